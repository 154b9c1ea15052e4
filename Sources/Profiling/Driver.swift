import Foundation
import MemoryModels
import SAMNumerics

/// Measures one model at one N in the current process.
///
/// Construction (M_0 fill, index build) is timed separately as setup. Then `warmup` untimed
/// segments of T steps, then `repeats` timed segments; for each, the forward pass and the backward
/// pass are timed separately with the monotonic clock and divided by T. The backward-record bytes
/// are read from the model after each forward. VmHWM is reset when setup ends and read at the end,
/// so it is the peak over the timed steps (the model's own memory included, since it is resident).
public struct Driver: Sendable {
    public let plan: SweepPlan

    public init(plan: SweepPlan) { self.plan = plan }

    /// - Parameter progress: called before each segment with (segment, total segments), warm-up included.
    public func measure(_ model: ProfiledModel, size: Int,
                        progress: (Int, Int) -> Void = { _, _ in }) throws -> SizeMeasurement {
        let configuration = try plan.shape.configuration(for: model, memoryWords: size)
        let episode = try Episode<Float>.random(configuration: configuration, steps: plan.steps, seed: plan.shape.episodeSeed)
        let setupStart = Clock.monotonic()
        let instance = try makeModel(model, configuration)
        let setupSeconds = Clock.monotonic() - setupStart
        let setupPeak = ResidentMemory.peakBytes()
        let canReset = ResidentMemory.resetPeak()

        let t = Double(plan.steps)
        var forward: [Double] = [], backward: [Double] = [], cpu: [Double] = [], bytes: [Double] = []
        let total = plan.warmup + plan.repeats
        for segment in 0..<total {
            progress(segment, total)
            let cpu0 = Clock.threadCPU()
            let t0 = Clock.monotonic()
            _ = try instance.forward(episode, mode: .training)
            let t1 = Clock.monotonic()
            let recordBytes = instance.backwardRecordBytes
            _ = try instance.backward()
            let t2 = Clock.monotonic()
            let cpu1 = Clock.threadCPU()
            guard segment >= plan.warmup else { continue }
            forward.append((t1 - t0) / t)
            backward.append((t2 - t1) / t)
            cpu.append((cpu1 - cpu0) / t)
            bytes.append(Double(recordBytes) / t)
        }
        progress(total, total)
        return SizeMeasurement(model: model, size: size, steps: plan.steps, warmupSegments: plan.warmup,
                               setupSeconds: setupSeconds, forwardSeconds: forward, backwardSeconds: backward,
                               cpuSeconds: cpu, recordBytesPerStep: bytes,
                               peakResidentBytes: canReset ? ResidentMemory.peakBytes() : nil,
                               setupPeakResidentBytes: setupPeak, isolated: false)
    }
}
