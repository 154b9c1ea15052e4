import Testing
import MemoryModels
@testable import Verification

/// Float is verified against Double at the same Float-representable point (Proofs/float-precision.md).
@Suite struct FloatAgreementTests {
    @Test(arguments: ModelKind.allCases) func floatAgreesWithDoubleWithinItsDerivedTolerance(_ model: ModelKind) throws {
        for c in try [Cases.small(model)] + Cases.generated(model, count: 4) {
            let r = try FloatAgreementCheck.run(c)
            #expect(r.passed, "\(r.report)")
            #expect(r.compared > 0)
        }
    }

    /// A fault only in the Float path (output.W's gradient scaled by 1 + 1e-4) is caught by the Float
    /// check, and invisible to every Double check (the Double model ignores it).
    @Test(arguments: ModelKind.allCases) func aFloatOnlyFaultIsCaughtByTheFloatCheckAlone(_ model: ModelKind) throws {
        let c = try Cases.small(model)
        let settings = VerificationSettings(fault: .floatOnlyOutputGradient)
        let float = Verifier.run(c, check: .floatAgreement, settings: settings)
        #expect(float.verdict == .fails && float.worst?.coordinate.name == "output.W", "\(float.report)")
        for check in [CheckKind.replay, .fast, .structural] {
            #expect(Verifier.run(c, check: check, settings: settings).passed, "\(check) saw a Float-only fault")
        }
    }
}
