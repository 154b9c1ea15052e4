import MemoryModels
import SAMNumerics

/// The copy task (Graves et al.; the paper's first benchmark): see a sequence of random binary
/// patterns, then a delimiter, then reproduce the sequence.
///
/// Shapes, for `bits` B and sequence length L: input size X = B + 1 (the last channel is the
/// delimiter), output size Y = B, episode length T = 2L + 1. Steps 1…L carry the patterns, step
/// L+1 the delimiter, steps L+2…2L+1 are blank inputs whose targets are the patterns; only those
/// L steps count in the loss (mask 1).
public struct CopyTask: Sendable {
    public let bits: Int
    public let length: Int

    public init(bits: Int, length: Int) {
        self.bits = bits
        self.length = length
    }

    public var inputSize: Int { bits + 1 }
    public var outputSize: Int { bits }
    public var steps: Int { 2 * length + 1 }

    /// One seeded episode for a configuration with X = B + 1 and Y = B.
    public func episode<Scalar: ModelScalar>(_ c: ModelConfiguration, using rng: inout SeededGenerator)
        throws(ConfigurationError) -> Episode<Scalar> {
        var x = [Scalar](repeating: 0, count: steps * inputSize)
        var y = [Scalar](repeating: 0, count: steps * outputSize)
        var mask = [Scalar](repeating: 0, count: steps)
        for t in 0..<length {
            for b in 0..<bits {
                let bit: Scalar = Bool.random(using: &rng) ? 1 : 0
                x[t * inputSize + b] = bit
                y[(length + 1 + t) * outputSize + b] = bit
            }
            mask[length + 1 + t] = 1
        }
        x[length * inputSize + bits] = 1   // delimiter
        return try Episode(configuration: c, inputs: x, targets: y, mask: mask)
    }

    /// Bits wrong per sequence: outputs thresholded at 0 (sigmoid 1/2) against the targets, on masked steps.
    public func bitErrors<Scalar: ModelScalar>(_ outputs: [Scalar], _ episode: Episode<Scalar>) -> Int {
        var wrong = 0
        for t in 0..<steps where episode.mask[t] != 0 {
            for b in 0..<bits where (outputs[t * bits + b] > 0) != (episode.targets[t * bits + b] > 0.5) { wrong += 1 }
        }
        return wrong
    }
}
