import Foundation
import Testing
@testable import Gate
@_spi(FaultInjection) import MemoryModels

/// The timing injections in a unit test, without asserting any timing (issue 12: "the timing
/// injections never run in a test"): they are pure cost (the model computes the same outputs), and the
/// gate's timing checks and `--power`'s paired effect run end to end with them switched on.
@Suite("gate: timing injections run (no timing asserted)")
struct TimingInjectionTests {
    /// The committed baseline with every timing point moved to N = 2^10 (a debug build cannot build
    /// 2^20 quickly) and the fewest rounds the baseline allows.
    func smallTimingBaseline() throws -> Baseline {
        var b = try Baseline.load(path: baselinePath)
        for i in b.ratios.indices {
            b.ratios[i].numerator.size = b.ratios[i].numerator.model == b.ratios[i].denominator.model ? 1 << 11 : 1 << 10
            b.ratios[i].denominator.size = 1 << 10
        }
        for i in b.stepTimes.indices { b.stepTimes[i].point.size = 1 << 10 }
        b.timing.quickRepeats = 3
        b.timing.bootstrapResamples = 100
        try b.validate()
        return b
    }

    /// A timing injection changes what a step costs, never what it computes: the injected model's
    /// outputs and loss equal the clean model's bit for bit (so only a timing check can see it).
    @Test("a timing injection leaves the outputs unchanged", arguments: [PerformanceFault.controllerSlowdown, .usageScan])
    func timingInjectionIsPureCost(_ fault: PerformanceFault) throws {
        let clean = try Instance(model: .samExact, size: 1 << 10, steps: 8, injection: nil)
        let injected = try Instance(model: .samExact, size: 1 << 10, steps: 8, injection: .performance(fault))
        #expect(injected.sam?.performanceFault == fault)
        let a = try clean.instance.forward(clean.episode, mode: .training)
        let b = try injected.instance.forward(injected.episode, mode: .training)
        #expect(a.outputs == b.outputs && a.loss == b.loss)
    }

    /// The gate's timing checks run with the controller slowdown on: every ratio and step-time check
    /// of the baseline gives a finite, positive estimate (its verdict is not asserted), and the power
    /// run's paired injected/clean measurement gives one finite ratio per step-time point.
    @Test func timingChecksRunWithTheControllerSlowdown() throws {
        let b = try smallTimingBaseline()
        let runner = GateRunner(baseline: b, options: GateOptions(quick: true, injection: .performance(.controllerSlowdown),
                                                                   timing: true, memory: false,
                                                                   only: "time ratio,normalised step time"))
        let r = try runner.run(gradients: false)
        let timing = r.outcomes.filter { $0.kind == .ratio || $0.kind == .stepTime }
        #expect(timing.count == b.ratios.count + b.stepTimes.count, "\(r.outcomes.map(\.name))")
        #expect(timing.allSatisfy { ($0.value ?? -1).isFinite && $0.value! > 0 }, "\(timing.map(\.measured))")
        let effect = try runner.pairedEffect(of: .performance(.controllerSlowdown), rounds: 1)
        #expect(Set(effect.keys) == Set(b.stepTimes.map(\.name)))
        #expect(effect.values.allSatisfy { $0.isFinite && $0 > 0 })
        // pairedEffect switches the injection back to the pool's afterwards.
        #expect(try runner.pool.instance(.samExact, 1 << 10).sam?.performanceFault == .controllerSlowdown)
    }
}
