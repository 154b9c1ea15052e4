import MemoryModels
import NearestNeighbours
import SAMNumerics

/// Seeded random configurations for `samkit verify`: case i of seed s is always the same case.
///
/// Ranges (small, so every coordinate can be checked): N 2...12, W 1...5, R 1...3 (≤ N), K 1...N,
/// H 1...6, X 1...4, Y 1...3, T 1...6, δ ∈ {0, 0.005, 0.05, 0.3}, M_0 uniform in ±(0.1...1) (one case
/// in six starts from zeros, where similarities tie), parameter scale 0.5...2, either loss.
public struct CaseGenerator: Sendable {
    public let seed: UInt64
    public let index: IndexKind
    public init(seed: UInt64, index: IndexKind = .exact) {
        self.seed = seed
        self.index = index
    }

    /// The seed of case `number`, mixed so neighbouring cases are unrelated.
    public func caseSeed(_ number: Int) -> UInt64 {
        var g = SeededGenerator(seed: seed ^ (UInt64(number) &* 0xD1B5_4A32_D192_ED03))
        return g.next() >> 1
    }

    /// Case `number` for `model`; both models get the same configuration for the same number.
    public func makeCase(_ number: Int, model: ModelKind) throws(ConfigurationError) -> VerificationCase {
        try Self.makeCase(seed: caseSeed(number), model: model, index: index)
    }

    /// The case a seed denotes (what a failure report prints).
    public static func makeCase(seed: UInt64, model: ModelKind, index: IndexKind = .exact) throws(ConfigurationError) -> VerificationCase {
        var g = SeededGenerator(seed: seed)
        func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &g) }
        let n = int(2...12)
        let thresholds = [0, 0.005, 0.05, 0.3]
        let zeros = int(0...5) == 0
        return try VerificationCase.make(
            model: model, n: n, w: int(1...5), r: int(1...min(3, n)), k: int(1...n), h: int(1...6), x: int(1...4),
            y: int(1...3), t: int(1...6), threshold: thresholds[int(0...3)],
            memoryScale: zeros ? 0 : Double.random(in: 0.1...1, using: &g),
            parameterScale: Double.random(in: 0.5...2, using: &g),
            loss: int(0...1) == 0 ? .sigmoidCrossEntropy : .meanSquaredError, index: index, seed: seed)
    }
}
