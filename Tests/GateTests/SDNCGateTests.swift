import Foundation
import Testing
@testable import Gate
import Profiling
@_spi(FaultInjection) import MemoryModels

/// The SDNC in the gate (issue 16, "gate (counters and claims)"): its instances read the work counters,
/// reset rows and O(N) restart through `StepWorkCounting`, the template lists its checks from the
/// registry, and its own faults fail the gradient checks. The committed baseline gains the SDNC's
/// checks when it is regenerated, so these tests run the template's SDNC checks (debug build).
@Suite("gate: the SDNC's counters, claims and injections")
struct SDNCGateTests {
    /// The SDNC's sparse variants, from the registry (k-d forest and exact; not the dense-link baseline).
    static let sdncVariants = ProfiledModel.allCases.filter { $0.family.name == ModelKind.sdnc.rawValue && $0.isSparse }

    /// A baseline of the template's SDNC gradient checks alone, each capped at `cases` cases.
    static func sdncGradientBaseline(cases: Int) -> Baseline {
        var b = Baseline.template()
        b.counters = []; b.complexity = []; b.work = []; b.ratios = []; b.stepTimes = []; b.memory = []
        b.gradients = b.gradients.filter { $0.model == .sdnc }
        for i in b.gradients.indices { b.gradients[i].quickCases = min(b.gradients[i].quickCases, cases) }
        return b
    }

    @Test func sdncWorkCountersIncludeTheLinkFields() throws {
        #expect(Self.sdncVariants.count >= 1)
        for model in Self.sdncVariants {
            let i = try Instance(model: model, size: 1 << 10, steps: 8, injection: nil)
            try i.warmUp(1)
            let work = try #require(try i.work(), "\(model.rawValue): an SDNC instance counts its work")
            for field in StepWork.linkFields {
                #expect((work[field] ?? 0) > 0, "\(model.rawValue) \(field): \(work)")
            }
            #expect((work["write-rows"] ?? 0) > 0 && (work["read-rows"] ?? 0) > 0, "\(work)")
            // The exact index's distances are divided by N: R queries of N rows each.
            if model.index == .exact { #expect(work["index-distances/N"] == Double(ModelShape().heads), "\(work)") }
            let counters = try i.counters(allocations: nil)
            #expect((counters[.resetRows] ?? 0) > 0, "\(model.rawValue): reset rows \(counters)")
            #expect((counters[.backwardRecordBytesPerStep] ?? 0) > 0)
        }
        // SAM has no links: its link fields read 0 (the template leaves them out of its checks).
        let sam = try Instance(model: .samKDTree, size: 1 << 10, steps: 8, injection: nil)
        try sam.warmUp(1)
        let samWork = try #require(try sam.work())
        #expect(StepWork.linkFields.allSatisfy { samWork[$0] == 0 }, "\(samWork)")
    }

    /// The timing checks' restart reinitialises the SDNC (M_0, its index rebuilt, empty links), as SAM's.
    @Test func restartReinitialisesTheSDNC() throws {
        let i = try Instance(model: .sdncKDTree, size: 1 << 10, steps: 8, injection: nil)
        try i.warmUp(1)
        try i.segment()
        let sdnc = try #require(i.instance as? SDNC<Float>)
        let rebuilds = sdnc.index.counters.rebuilds
        try i.restart(warmup: 1)
        #expect(sdnc.index.counters.rebuilds == rebuilds + 1, "the restart rebuilds the SDNC's index")
        #expect(i.fresh)
    }

    @Test func templateListsTheSDNCChecks() throws {
        let b = Baseline.template()
        try b.validate()
        for model in Self.sdncVariants {
            let work = try #require(b.work.first { $0.model == model }, "\(model.rawValue) work check")
            // The link fields are judged by growth; SAM's exact fields that reach their bound stay exact.
            #expect(Set(StepWork.linkFields).isSubset(of: (work.growthFields ?? [:]).keys), "\(work.growthFields ?? [:])")
            #expect(["write-rows", "read-rows", "lru-rows", "index-queries"].allSatisfy { work.perStep[$0] != nil }, "\(work.perStep.keys.sorted())")
            #expect(Set(work.perStep.keys).isDisjoint(with: (work.growthFields ?? [:]).keys))
            #expect(Set(work.compareSizes + [work.size]) == [1 << 10, 1 << 12, 1 << 16])
            for metric in [GateMetric.backwardRecordBytesPerStep, .allocationsPerStep] {
                #expect(b.counters.contains { $0.model == model && $0.metric == metric }, "\(model.rawValue) \(metric.rawValue)")
            }
            #expect(b.complexity.contains { $0.model == model && $0.metric == .resetRows && $0.expectedClass == .constant })
            // SD2: record bytes O(1), from the registry's claim.
            #expect(b.complexity.contains { $0.model == model && $0.metric == .backwardRecordBytesPerStep && $0.expectedClass == .constant })
        }
        // SD1 with the k-d forest is O(log N): the 2^20 / 2^12 growth check, as SAM's.
        #expect(b.ratios.contains { $0.numerator == TimingPoint(model: .sdncKDTree, size: 1 << 20)
            && $0.denominator == TimingPoint(model: .sdncKDTree, size: 1 << 12) && $0.thresholdFactor != nil })
        #expect(b.stepTimes.contains { $0.point == TimingPoint(model: .sdncKDTree, size: 1 << 12) })
        // Seeded SDNC cases under both link-gradient options, with the dense-link equivalence.
        let sdnc = b.gradients.filter { $0.model == .sdnc }
        #expect(Set(sdnc.compactMap(\.linkGradient)) == Set(TemporalLinkSettings.Gradient.allCases))
        #expect(sdnc.allSatisfy { $0.checks.contains(.denseEquivalence) && $0.checks.contains(.fast) && $0.checks.contains(.replay) })
        #expect(Set(sdnc.flatMap { g in g.checks.map(g.name) }).count == sdnc.map(\.checks.count).reduce(0, +),
                "check names are distinct: \(sdnc.flatMap { g in g.checks.map(g.name) })")
        // The old baselines' gradient checks keep their names (no link gradient).
        #expect(b.gradients.filter { $0.model != .sdnc }.allSatisfy { $0.linkGradient == nil })
    }

    @Test func everySDNCFaultIsAnInjection() {
        for fault in GradientFault.sdncFaults + GradientFault.sdncFullGradientFaults {
            #expect(Injection.allCases.contains(.gradient(fault)))
            #expect(Injection(rawValue: fault.rawValue) == .gradient(fault))
        }
    }

    /// Clean SDNC cases pass under both link-gradient options.
    @Test func cleanSDNCCasesPass() throws {
        let r = try GateRunner(baseline: Self.sdncGradientBaseline(cases: 2),
                               options: GateOptions(quick: true, timing: false, memory: false)).run()
        #expect(r.passed, "regressions: \(r.regressions.map(\.measured))")
        #expect(r.outcomes.count == 8, "\(r.outcomes.map(\.name))")
    }

    /// Each SDNC fault fails the check that exists to see it: the forward link faults the dense-link
    /// equivalence, the backward ones replay (recorded link gradient); the full-gradient faults replay
    /// and the directional check under the full link gradient.
    @Test("an SDNC injection fails the gradient checks",
          arguments: [(GradientFault.sdncLinkUpdate, "dense K=N link-gradient recorded"),
                      (.sdncPrecedence, "dense K=N link-gradient recorded"),
                      (.sdncReadModeMixing, "replay link-gradient recorded"),
                      (.sdncDropLinkReadPath, "replay link-gradient recorded"),
                      (.sdncFullDropPrecedence, "fast link-gradient full"),
                      (.sdncFullTransposedLinks, "fast link-gradient full"),
                      (.sdncFullDropPrecedence, "replay link-gradient full"),
                      (.sdncFullTransposedLinks, "replay link-gradient full")])
    func sdncInjectionFailsTheGradientChecks(_ fault: GradientFault, check: String) throws {
        var options = GateOptions(quick: true, injection: .gradient(fault), timing: false, memory: false,
                                  only: "gradient sdnc \(check)")
        options.stopWhenSettled = true
        let r = try GateRunner(baseline: Self.sdncGradientBaseline(cases: 3), options: options).run()
        #expect(r.regressions.map(\.name) == ["gradient sdnc \(check)"], "\(fault.rawValue): \(r.outcomes.map(\.measured))")
        #expect(r.exitCode == 1)
    }
}
