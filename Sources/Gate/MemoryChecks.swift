import Foundation
import MemoryModels
import Profiling

/// Resident memory (issue 12 item 7): the peak RSS a model adds when built at N and run for T =
/// `shortSteps`, against the baseline; and the RSS growth per step between a training forward of
/// `shortSteps` and one of `longSteps`, bounded by `growthBound` × the backward record bytes per step.
extension GateRunner {
    func memoryChecks() throws -> [CheckOutcome] {
        var outcomes: [CheckOutcome] = []
        for check in baseline.memory where options.wanted(check.peakName) || options.wanted(check.growthName) {
            options.progress("memory: \(check.model.rawValue) at N = \(GateFormat.size(check.size))")
            let measured = try measure(check)
            let peakExpected = "≤ \(GateFormat.bytes(check.peakBytes * (1 + check.peakTolerance))) (\(GateFormat.bytes(check.peakBytes)) + \(Int(check.peakTolerance * 100))%)"
            let growthExpected = "≤ \(GateFormat.number(check.growthBound)) × record bytes per step"
            guard let m = measured else {
                for (name, expected) in [(check.peakName, peakExpected), (check.growthName, growthExpected)] {
                    outcomes.append(CheckOutcome(kind: .memory, name: name, expected: expected,
                                                 measured: "cannot judge: /proc/self/status or clear_refs unavailable",
                                                 verdict: .skipped, value: nil))
                }
                continue
            }
            let peakHolds = m.peak <= check.peakBytes * (1 + check.peakTolerance)
            outcomes.append(CheckOutcome(kind: .memory, name: check.peakName, expected: peakExpected,
                                         measured: GateFormat.bytes(m.peak), verdict: peakHolds ? .holds : .regression,
                                         value: m.peak))
            let limit = check.growthBound * m.recordPerStep
            outcomes.append(CheckOutcome(kind: .memory, name: check.growthName, expected: growthExpected,
                                         measured: String(format: "%@ per step (record %@ per step, limit %@)",
                                                          GateFormat.bytes(m.growthPerStep), GateFormat.bytes(m.recordPerStep),
                                                          GateFormat.bytes(limit)),
                                         verdict: m.growthPerStep <= limit ? .holds : .regression, value: m.growthPerStep))
        }
        return outcomes
    }

    private func measure(_ check: MemoryCheck) throws -> (peak: Double, growthPerStep: Double, recordPerStep: Double)? {
        guard let before = ResidentMemory.currentBytes(), ResidentMemory.resetPeak() else { return nil }
        let instance = try Instance(model: check.model, size: check.size, steps: check.shortSteps, injection: options.injection)
        try instance.segment()
        guard let peak = ResidentMemory.peakBytes() else { return nil }
        let shape = ModelShape()
        let c = try shape.configuration(for: check.model, memoryWords: check.size)
        let long = try Episode<Float>.random(configuration: c, steps: check.longSteps, seed: shape.episodeSeed)
        _ = try instance.instance.forward(instance.episode, mode: .training)
        guard let short = ResidentMemory.currentBytes() else { return nil }
        _ = try instance.instance.forward(long, mode: .training)
        guard let after = ResidentMemory.currentBytes() else { return nil }
        let record = Double(instance.instance.backwardRecordBytes) / Double(check.longSteps)
        return (Double(peak - before), Double(after - short) / Double(check.longSteps - check.shortSteps), record)
    }
}
