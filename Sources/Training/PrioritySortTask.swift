import SAMNumerics

/// Priority sort (Graves et al. 2014, the SAM paper's third task): n random binary vectors, each
/// with a scalar priority uniform in [−1, 1]; the answer is the ⌈4n/5⌉ highest-priority vectors in
/// descending priority order (the NTM setting is 16 of 20).
///
/// Input size X = B + 2: channel B carries the priority, channel B+1 the delimiter after the n
/// inputs. Output size Y = B. T = n + 1 + m for m = ⌈4n/5⌉ answer steps (blank input, mask 1).
/// The level is n, in 1...`maxVectors`. Equal priorities keep input order.
public struct PrioritySortTask: SequenceTask {
    public let bits: Int
    public let maxVectors: Int

    public init(bits: Int, maxVectors: Int) {
        self.bits = bits
        self.maxVectors = max(1, maxVectors)
    }

    public var name: String { "sort" }
    public var inputSize: Int { bits + 2 }
    public var outputSize: Int { bits }
    public var levels: ClosedRange<Int> { 1...maxVectors }
    /// Answer steps m for n inputs: ⌈4n/5⌉.
    public static func answers(_ n: Int) -> Int { (4 * n + 4) / 5 }
    public func steps(level: Int) -> Int { level + 1 + Self.answers(level) }

    public func sample(level: Int, using rng: inout SeededGenerator) -> TaskSample {
        let vectors = (0..<max(1, level)).map { _ in randomBits(bits, using: &rng) }
        let priorities = vectors.map { _ in Double.random(in: -1...1, using: &rng) }
        return layout(vectors: vectors, priorities: priorities)
    }

    /// The episode for `vectors` (n of B bits) with `priorities` (n).
    public func layout(vectors: [[Double]], priorities: [Double]) -> TaskSample {
        let n = vectors.count, m = Self.answers(n), t = steps(level: n)
        var x = [Double](repeating: 0, count: t * inputSize)
        var y = [Double](repeating: 0, count: t * outputSize)
        var mask = [Double](repeating: 0, count: t)
        for (s, vector) in vectors.enumerated() {
            for b in 0..<bits { x[s * inputSize + b] = vector[b] }
            x[s * inputSize + bits] = priorities[s]
        }
        x[n * inputSize + bits + 1] = 1
        let order = (0..<n).sorted { priorities[$0] > priorities[$1] || (priorities[$0] == priorities[$1] && $0 < $1) }
        for (a, i) in order.prefix(m).enumerated() {
            let s = n + 1 + a
            for b in 0..<bits { y[s * outputSize + b] = vectors[i][b] }
            mask[s] = 1
        }
        return TaskSample(steps: t, inputs: x, targets: y, mask: mask)
    }
}
