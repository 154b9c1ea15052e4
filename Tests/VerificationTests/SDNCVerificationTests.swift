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

    /// Issue 16's case: seed 3604140020936512258 under the full link gradient, whose replay check failed
    /// on clean code (interface.b[0], error/tolerance 1.7) while replay recomputed the link store's cuts.
    static func issue16Case() throws -> VerificationCase {
        try CaseGenerator.makeCase(seed: 3604140020936512258, model: .sdnc).with(linkGradient: .full)
    }

    /// The regression test of issue 16: with the store's cuts recorded and held (`StepDecisions.linkCuts`),
    /// replay holds on that case.
    @Test func issue16CaseHoldsInReplayUnderTheFullLinkGradient() throws {
        let r = Verifier.run(try Self.issue16Case(), check: .replay)
        #expect(r.passed, "\(r.report)")
    }

    /// Issue 16's clean-code replay failure was a kink of the link store's K_L cut, not a missing backward
    /// term: with u, S, F and B held, a perturbation of +2e-5 makes row 1 of P_3 keep column 3 instead of
    /// column 11 (a near-tie, gap ~1e-4 relative). Replay now holds the cuts (Proofs/sdnc-gradients.md,
    /// "What the checks hold"): its central difference agrees with the analytic gradient at h = 1e-5 and
    /// at h = 1e-4, which straddles the kink, and P_3(1, ·) keeps column 11. The kink itself is still
    /// there: replaying the decisions without their cuts flips P_3(1, ·) as before, and free mode, whose
    /// difference at h = 1e-4 straddles it, names the changed cut.
    @Test func issue16ReplayFailureIsAStoreCutKinkNotABackwardTerm() throws {
        let c = try Self.issue16Case()
        let probe = try Probe(c)
        let i = try #require(probe.blocks.first { $0.0 == "interface.b" }).1.lowerBound
        let x0 = probe.value(i), analytic = probe.analytic[i]
        var flips: [String] = []
        func loss(_ d: Double, replay: Bool) throws -> Double {
            try probe.set(i, x0 + d)
            defer { try? probe.set(i, x0) }
            let (l, flipped) = try probe.evaluate(replay: replay)
            flips += flipped.map { [$0] } ?? []
            return l
        }
        func difference(_ h: Double, replay: Bool) throws -> Double { (try loss(h, replay: replay) - loss(-h, replay: replay)) / (2 * h) }
        let near = try difference(1e-5, replay: true), wide = try difference(1e-4, replay: true)
        #expect(abs(near - analytic) < 1e-9, "replay, h = 1e-5: \(near) vs analytic \(analytic)")
        #expect(abs(wide - analytic) < 1e-9, "replay, h = 1e-4 (cuts held): \(wide) vs analytic \(analytic)")
        let free = try difference(1e-4, replay: false)
        #expect(abs(free - analytic) > 1e-9, "free, h = 1e-4 straddles the kink: \(free) vs \(analytic)")
        #expect(flips.contains { $0.hasPrefix("step 3 linkCuts.backward") }, "free mode names the cut: \(flips)")
        // The kink at the model: P_3(1, ·) at +2e-5 with the decisions replayed, with and without their cuts.
        let model = try #require(try c.makeModel() as? SDNC<Double>)
        model.reset()
        _ = try model.forward(try c.episode(), mode: .training, replay: nil)
        let decisions = model.decisions
        #expect(decisions.steps.allSatisfy { $0.linkCuts != nil })
        #expect(model.link(forward: false, row: 1, column: 11) > 0 && model.link(forward: false, row: 1, column: 3) == 0)
        model.parameters.values[i] = x0 + 2e-5
        func keptAtPerturbedPoint(_ d: RecordedDecisions) throws -> (Bool, Bool) {
            model.reset()
            _ = try model.forward(try c.episode(), mode: .inference, replay: d)
            return (model.link(forward: false, row: 1, column: 11) > 0, model.link(forward: false, row: 1, column: 3) > 0)
        }
        #expect(try keptAtPerturbedPoint(decisions) == (true, false), "cuts held: column 11 kept")
        let withoutCuts = RecordedDecisions(steps: decisions.steps.map {
            StepDecisions(leastUsed: $0.leastUsed, selected: $0.selected, links: $0.links)
        })
        #expect(try keptAtPerturbedPoint(withoutCuts) == (false, true), "cuts recomputed: column 3 instead")
    }
}
