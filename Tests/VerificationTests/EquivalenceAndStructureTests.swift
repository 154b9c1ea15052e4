import Testing
import MemoryModels
@testable import Verification

/// Dense equivalence (SAM K = N vs DAM; SAM K < N vs masked DAM) and the structural properties.
@Suite struct EquivalenceAndStructureTests {
    @Test(arguments: ModelKind.allCases) func samWithKEqualNMatchesDAMInHarness(_ model: ModelKind) throws {
        for seed in 1...4 as ClosedRange<UInt64> {
            let r = try DenseEquivalenceCheck.run(try Cases.small(model, seed: seed), masked: false)
            #expect(r.passed, "\(r.report)")
            #expect(r.verificationCase.configuration.neighbours == r.verificationCase.configuration.memoryWords)
        }
    }

    @Test(arguments: ModelKind.allCases) func sparseMatchesMaskedDAMRowByRow(_ model: ModelKind) throws {
        for seed in 1...4 as ClosedRange<UInt64> {
            let r = try DenseEquivalenceCheck.run(try Cases.small(model, seed: seed), masked: true)
            #expect(r.passed && r.normwiseRelativeError < 1e-12, "\(r.report)")
        }
    }

    @Test(arguments: ModelKind.allCases) func structuralPropertiesHold(_ model: ModelKind) throws {
        for c in try [Cases.small(model)] + Cases.generated(model, count: 6) {
            let r = try StructuralCheck.run(c)
            #expect(r.passed, "\(r.report)")
        }
    }

    /// A failure report names the model, configuration, seed, coordinate, values, errors and tolerance source.
    @Test func failureReportsCarryEverythingNeededToAct() throws {
        let c = try Cases.small(.sam)
        let r = Verifier.run(c, check: .replay, settings: VerificationSettings(fault: .scaleInterfaceGradient))
        #expect(!r.passed)
        let text = r.report
        for needle in ["FAIL replay on SAM", "seed=\(c.seed)", "--case-seed \(c.seed)", "interface.W[", "analytic",
                       "numeric", "abs error", "rel error", "tolerance", "abserr", "kinks 0"] {
            #expect(text.contains(needle), "missing \(needle) in\n\(text)")
        }
        #expect(r.worst?.coordinate.name == "interface.W")
    }
}
