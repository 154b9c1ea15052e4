import Testing
@_spi(FaultInjection) import MemoryModels
@testable import Verification

/// The SDNC in the harness: its recorded-link gradient against finite differences (replay, and free
/// with the link state held), against its dense-link baseline, and the SDNC-specific faults caught.
@Suite struct SDNCVerificationTests {
    /// Seeded SDNC cases with T ≥ 3, so that the reads follow links written at earlier steps.
    static func cases() throws -> [VerificationCase] {
        try [Cases.small(.sdnc), Cases.small(.sdnc, seed: 11, loss: .meanSquaredError)]
            + Cases.generated(.sdnc, count: 6).filter { $0.steps >= 3 }.prefix(2)
    }

    /// The generator draws SDNC episodes long enough to write a link twice (T ≥ 3).
    @Test func generatedSDNCCasesAreLongEnoughForTheLinkFaults() throws {
        let generator = CaseGenerator(seed: 1)
        for i in 0..<50 { #expect(try generator.makeCase(i, model: .sdnc).steps >= CaseGenerator.sdncMinimumSteps) }
    }

    @Test func sdncGradientsHoldInReplayFreeAndDenseModes() throws {
        for c in try Self.cases() {
            #expect(c.configuration.temporalLinks != nil)
            for r in Verifier.run(c, checks: [.replay, .free, .denseEquivalence, .maskedEquivalence, .structural]) {
                #expect(r.passed, "\(r.report)")
            }
        }
    }

    /// Each SDNC fault is caught on these cases by some check, and the check meant for it catches it:
    /// the forward link faults by the dense-link comparison, the backward ones by replay.
    @Test func sdncFaultsAreCaught() throws {
        let cases = try Self.cases()
        for fault in GradientFault.sdncFaults {
            let check: CheckKind = fault == .sdncLinkUpdate || fault == .sdncPrecedence ? .denseEquivalence : .replay
            // A case the fault cannot change is "cannot judge" (the fault sweep's rule); every other is caught.
            let changed = try cases.filter { try FaultExercise.changes(fault, on: $0) }
            let caught = changed.filter { !Verifier.run($0, check: check, settings: VerificationSettings(fault: fault)).passed }
            print("sdnc fault \(fault.rawValue): caught by \(check.rawValue) on \(caught.count)/\(changed.count) cases it changes")
            #expect(!changed.isEmpty && caught.count == changed.count, "\(fault): caught \(caught.count) of \(changed.count)")
        }
    }

    /// The same cases under the full link gradient (Proofs/sdnc-gradients.md): replay holds only the
    /// link rows, free mode runs live links, the dense check runs the dense-link baseline's adjoint.
    static func fullCases() throws -> [VerificationCase] { try cases().prefix(2).map { try $0.with(linkGradient: .full) } }

    @Test func sdncFullGradientHoldsInReplayFreeAndDenseModes() throws {
        for c in try Self.fullCases() {
            #expect(c.configuration.temporalLinks?.gradient == .full)
            for r in Verifier.run(c, checks: [.replay, .free, .denseEquivalence, .maskedEquivalence, .structural]) {
                #expect(r.passed, "\(r.report)")
            }
        }
    }

    /// Each fault of the full link-gradient backward is caught by replay on some of these cases, and the
    /// recorded-link gradient (which skips that backward) is not the full one: replay under full
    /// catches the default's gradient as a fault would be caught.
    @Test func sdncFullGradientFaultsAreCaught() throws {
        let cases = try Self.fullCases()
        for fault in GradientFault.sdncFullGradientFaults {
            let caught = cases.filter { !Verifier.run($0, check: .replay, settings: VerificationSettings(fault: fault)).passed }
            print("sdnc full-gradient fault \(fault.rawValue): caught by replay on \(caught.count)/\(cases.count) cases")
            #expect(!caught.isEmpty, "\(fault) was not caught by replay")
        }
    }
}
