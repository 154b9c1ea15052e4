import MemoryModels
import SAMNumerics

/// The copy task (Graves et al.; the paper's first benchmark): see a sequence of random binary
/// patterns, then a delimiter, then reproduce the sequence.
///
/// Shapes, for `bits` B and sequence length L: input size X = B + 1 (the last channel is the
/// delimiter), output size Y = B, episode length T = 2L + 1. Steps 1…L carry the patterns, step
/// L+1 the delimiter, steps L+2…2L+1 are blank inputs whose targets are the patterns; only those
/// L steps count in the loss (mask 1). As a `SequenceTask` the level is L, in 1...`length`.
public struct CopyTask: SequenceTask {
    public let bits: Int
    /// The longest sequence L (the fixed length of `episode(_:using:)`).
    public let length: Int

    public init(bits: Int, length: Int) {
        self.bits = bits
        self.length = length
    }

    public var name: String { "copy" }
    public var inputSize: Int { bits + 1 }
    public var outputSize: Int { bits }
    public var levels: ClosedRange<Int> { 1...max(1, length) }
    /// T at the full length L.
    public var steps: Int { steps(level: length) }
    public func steps(level: Int) -> Int { 2 * level + 1 }

    public func sample(level: Int, using rng: inout SeededGenerator) -> TaskSample {
        layout((0..<level).map { _ in randomBits(bits, using: &rng) })
    }

    /// The episode that copies `patterns` (L vectors of B bits).
    public func layout(_ patterns: [[Double]]) -> TaskSample {
        let l = patterns.count, t = steps(level: l)
        var x = [Double](repeating: 0, count: t * inputSize)
        var y = [Double](repeating: 0, count: t * outputSize)
        var mask = [Double](repeating: 0, count: t)
        for (s, pattern) in patterns.enumerated() {
            for b in 0..<bits {
                x[s * inputSize + b] = pattern[b]
                y[(l + 1 + s) * outputSize + b] = pattern[b]
            }
            mask[l + 1 + s] = 1
        }
        x[l * inputSize + bits] = 1   // delimiter
        return TaskSample(steps: t, inputs: x, targets: y, mask: mask)
    }

    /// One seeded episode of the full length L for a configuration with X = B + 1 and Y = B.
    public func episode<Scalar: ModelScalar>(_ c: ModelConfiguration, using rng: inout SeededGenerator)
        throws(ConfigurationError) -> Episode<Scalar> {
        try episode(c, level: length, using: &rng)
    }

    /// Bits wrong per sequence (`wrongBits`).
    public func bitErrors<Scalar: ModelScalar>(_ outputs: [Scalar], _ episode: Episode<Scalar>) -> Int {
        wrongBits(outputs, episode)
    }
}
