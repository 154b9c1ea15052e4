import MemoryModels
import Verification

/// Shared fixtures of the verification tests.
enum Cases {
    /// A hand-picked small case with every path exercised: T = 4, K < N, uniform M_0 (no ties).
    static func small(_ model: ModelKind, seed: UInt64 = 7, loss: LossKind = .sigmoidCrossEntropy) throws -> VerificationCase {
        try VerificationCase.make(model: model, n: 6, w: 3, r: 2, k: 2, h: 4, x: 3, y: 2, t: 4, loss: loss, seed: seed)
    }

    /// The first `count` generated cases of seed 1 (what `samkit verify --seed 1` runs).
    static func generated(_ model: ModelKind, count: Int) throws -> [VerificationCase] {
        let generator = CaseGenerator(seed: 1)
        return try (0..<count).map { try generator.makeCase($0, model: model) }
    }
}

extension CheckResult {
    /// The failure report, for #expect messages.
    var report: String { FailureReport.text(self) }
}
