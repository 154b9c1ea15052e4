import MemoryModels
import NearestNeighbours
import SAMNumerics

/// Seeded random configurations for `samkit verify`: case i of seed s is always the same case.
///
/// Ranges: `CaseRanges` (default `.toy`, small so every coordinate can be checked; `.paper`).
public struct CaseGenerator: Sendable {
    /// The generator's seed: case i is a pure function of (seed, i, model).
    public let seed: UInt64
    /// SAM's nearest-neighbour index in every case.
    public let index: IndexKind
    /// The ranges the sizes are drawn from.
    public let ranges: CaseRanges
    /// A generator of cases from `seed`, with SAM's `index` and the sizes of `ranges`.
    public init(seed: UInt64, index: IndexKind = .exact, ranges: CaseRanges = .toy) {
        self.seed = seed
        self.index = index
        self.ranges = ranges
    }

    /// The seed of case `number`, mixed so neighbouring cases are unrelated.
    public func caseSeed(_ number: Int) -> UInt64 {
        var g = SeededGenerator(seed: seed ^ (UInt64(number) &* 0xD1B5_4A32_D192_ED03))
        return g.next() >> 1
    }

    /// Case `number` for `model`; both models get the same configuration for the same number.
    public func makeCase(_ number: Int, model: ModelKind) throws(ConfigurationError) -> VerificationCase {
        try Self.makeCase(seed: caseSeed(number), model: model, index: index, ranges: ranges)
    }

    /// The SDNC's cases have T ≥ 3 (when the range allows): a link is written at step 2 (from the
    /// precedence of step 1) and decayed or followed at step 3, so the link update, the precedence and
    /// the read-mode mixing all change the computation (shorter episodes could not exercise them).
    public static let sdncMinimumSteps = 3

    /// The case a seed denotes (what a failure report prints). The toy draws are in the order they
    /// always were, so a toy seed names the same case as before.
    public static func makeCase(seed: UInt64, model: ModelKind, index: IndexKind = .exact,
                                ranges r: CaseRanges = .toy) throws(ConfigurationError) -> VerificationCase {
        var g = SeededGenerator(seed: seed)
        func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &g) }
        let n = r.memoryWordsLog2.map { 1 << int($0) } ?? int(r.memoryWords)
        let zeros = int(0...5) == 0
        let w = int(r.wordSize), heads = int(min(r.heads.lowerBound, n)...min(r.heads.upperBound, n))
        let k = int(r.neighbours.map { min($0.lowerBound, n)...min($0.upperBound, n) } ?? 1...n)
        let h = int(r.hidden), x = int(r.inputSize), y = int(r.outputSize), t = int(r.steps)
        let threshold = r.thresholds[int(0...(r.thresholds.count - 1))]
        let memoryScale = switch r.memory {
        case .mixed: zeros ? 0 : Double.random(in: 0.1...1, using: &g)
        case .zero: 0.0
        case .uniform: 0.5
        }
        let parameterScale = Double.random(in: r.parameterScale, using: &g)
        let loss = int(0...1) == 0 ? LossKind.sigmoidCrossEntropy : .meanSquaredError
        return try VerificationCase.make(
            model: model, n: n, w: w, r: heads, k: k, h: h, x: x, y: y,
            t: model == .sdnc ? max(t, min(Self.sdncMinimumSteps, r.steps.upperBound)) : t, threshold: threshold,
            memoryScale: memoryScale, parameterScale: parameterScale, loss: r.loss ?? loss, index: index,
            maskDensity: r.maskDensity, initialMemory: r.initialMemory, seed: seed)
    }
}
