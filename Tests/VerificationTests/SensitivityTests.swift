import Testing
import MemoryModels
@testable import Verification

/// The harness must catch deliberately broken gradients (`GradientFault`) and pass unmodified code.
/// Detection rate = faults caught / faults that apply (DAM has no journal, so skip-journal-restore
/// does not apply to it: 5/5 on SAM, 4/4 on DAM).
@Suite struct SensitivityTests {
    static func applies(_ fault: GradientFault, to model: ModelKind) -> Bool { FaultSweep.applies(fault, to: model) }

    @Test(arguments: ModelKind.allCases) func everyInjectedFaultIsDetected(_ model: ModelKind) throws {
        let cases = try [Cases.small(model)] + Cases.generated(model, count: 2).filter { $0.steps > 1 }
        var detected = 0, applicable = 0
        for fault in GradientFault.allCases where Self.applies(fault, to: model) {
            applicable += 1
            let caught = cases.contains { Verifier.detects(fault, on: $0) }
            if caught { detected += 1 }
            #expect(caught, "\(fault) on \(model) was not detected")
            // Which checks catch each fault, per model and magnitude: Proofs/fault-sweep.md (generated).
        }
        print("sensitivity \(model): detection rate \(detected)/\(applicable)")
        #expect(detected == applicable)
    }

    @Test(arguments: ModelKind.allCases) func unmodifiedCodePassesEveryCheck(_ model: ModelKind) throws {
        for c in try [Cases.small(model)] + Cases.generated(model, count: 3) {
            for r in Verifier.run(c, checks: CheckKind.allCases) { #expect(r.passed, "\(r.report)") }
        }
    }

    /// The replay check alone catches each gradient fault (the finite-difference path is what proves sensitivity),
    /// and the structural check alone catches the journal fault.
    @Test func eachFaultIsCaughtByTheCheckMeantForIt() throws {
        let c = try Cases.small(.sam)
        for fault in [GradientFault.scaleInterfaceGradient, .dropSimilarityPath, .dropWriteGateTerm, .flipGateSign] {
            #expect(!Verifier.run(c, check: .replay, settings: VerificationSettings(fault: fault)).passed, "\(fault)")
            #expect(!Verifier.run(c, check: .fast, settings: VerificationSettings(fault: fault)).passed, "\(fault)")
        }
        let r = Verifier.run(c, check: .structural, settings: VerificationSettings(fault: .skipJournalRestore))
        #expect(!r.passed && r.notes.contains { $0.contains("memory after backward") }, "\(r.report)")
    }
}
