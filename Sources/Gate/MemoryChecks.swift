import Foundation
import MemoryModels
import Profiling
#if canImport(Glibc)
import Glibc
#endif

/// Resident memory (issue 12 item 7): the peak RSS a model adds when built at N and run for T =
/// `shortSteps`, against the baseline; and the RSS growth per step between a training forward of
/// `shortSteps` and one of `longSteps`, bounded by `growthBound` × (the backward record bytes plus
/// the bytes the index adds, per step). The index term is the k-d forest's: FLANN keeps every
/// inserted point until the rebuild after N insertions, so it grows by O(R*K) per step. The heap is
/// trimmed before each reading, so freed buffers do not count. The tape and the journal are reserved
/// for the episode's length up front (no doubling, no copy), so they grow by the record alone; the
/// backward's sparse dL/dM (`SparseRowGradient`) reserves T*R*(K+1) rows of W scalars (2.5 KiB per
/// step at the gate's shape), which the record does not count. `growthBound` is 1.5, fixed before
/// the reservation: one run measured 1.0 (DAM), 1.17 (SAM exact) and 1.2 (SAM k-d, record + index)
/// times the bound's base, the excess being those gradient slots; an O(N) growth (a copy of memory
/// per step) is about 1,000 times it at N = 2^16.
extension GateRunner {
    func memoryChecks() throws -> [CheckOutcome] {
        var outcomes: [CheckOutcome] = []
        for check in baseline.memory where options.wanted(check.peakName) || options.wanted(check.growthName) {
            options.progress("memory: \(check.model.rawValue) at N = \(GateFormat.size(check.size))")
            let measured = try measure(check)
            let peakExpected = "≤ \(GateFormat.bytes(check.peakBytes * (1 + check.peakTolerance))) (\(GateFormat.bytes(check.peakBytes)) + \(Int(check.peakTolerance * 100))%)"
            let growthExpected = "≤ \(GateFormat.number(check.growthBound)) × (record + index bytes) per step"
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
            let limit = check.growthBound * (m.recordPerStep + m.indexPerStep)
            outcomes.append(CheckOutcome(kind: .memory, name: check.growthName, expected: growthExpected,
                                         measured: String(format: "%@ per step (record %@, index %@ per step; limit %@)",
                                                          GateFormat.bytes(m.growthPerStep), GateFormat.bytes(m.recordPerStep),
                                                          GateFormat.bytes(m.indexPerStep), GateFormat.bytes(limit)),
                                         verdict: m.growthPerStep <= limit ? .holds : .regression, value: m.growthPerStep))
        }
        return outcomes
    }

    private func measure(_ check: MemoryCheck) throws
        -> (peak: Double, growthPerStep: Double, recordPerStep: Double, indexPerStep: Double)? {
        // Freed heap is handed back to the kernel before every reading, so memory an earlier check
        // freed (and this model reuses) does not hide what it adds, and buffers a growth freed do
        // not count as held.
        trimHeap()
        guard let before = ResidentMemory.currentBytes(), ResidentMemory.resetPeak() else { return nil }
        let instance = try Instance(model: check.model, size: check.size, steps: check.shortSteps, injection: options.injection)
        try instance.segment()
        guard let peak = ResidentMemory.peakBytes() else { return nil }
        let shape = ModelShape()
        let c = try shape.configuration(for: check.model, memoryWords: check.size)
        let long = try Episode<Float>.random(configuration: c, steps: check.longSteps, seed: shape.episodeSeed)
        _ = try instance.instance.forward(instance.episode, mode: .training)
        trimHeap()
        guard let short = ResidentMemory.currentBytes() else { return nil }
        let indexBefore = instance.sam?.index.byteSize ?? 0
        _ = try instance.instance.forward(long, mode: .training)
        trimHeap()
        guard let after = ResidentMemory.currentBytes() else { return nil }
        let steps = Double(check.longSteps - check.shortSteps)
        let record = Double(instance.instance.backwardRecordBytes) / Double(check.longSteps)
        let index = Double(max(0, (instance.sam?.index.byteSize ?? 0) - indexBefore)) / steps
        return (Double(peak - before), Double(after - short) / steps, record, index)
    }
}

/// glibc's `malloc_trim(0)`, found at run time (Swift's Glibc module does not export it); a no-op elsewhere.
private func trimHeap() {
    #if canImport(Glibc)
    typealias Trim = @convention(c) (Int) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
    _ = unsafeBitCast(symbol, to: Trim.self)(0)
    #endif
}
