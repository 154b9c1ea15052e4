import CValgrind
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
///
/// **The paired reference.** Right after each segment, one segment of the bare controller (`controller`,
/// the same shape, no memory) runs on the same episode and its forward + backward is timed per step: the
/// segment's reference. The two are taken a few milliseconds apart, so the model's time over its
/// reference is free of the machine's speed states, which last seconds to minutes (`RoundVerdict`).
/// Not under valgrind, whose counts must be the model's alone.
public struct Driver: Sendable {
    /// The sweep to run.
    public let plan: SweepPlan
    /// Counts heap allocations around each timed segment's forward + backward and its reset (nil: not counted).
    public let allocations: AllocationCounting?

    /// A timed segment counts as clean if the thread ran for at least this fraction of its wall time.
    public static let minimumBusyFraction = 0.85
    /// At most this many times `repeats` timed segments are attempted.
    public static let attemptFactor = 3

    /// A driver for `plan`; `allocations` (injected by `samkit`, which links the counter) counts heap allocations.
    public init(plan: SweepPlan, allocations: AllocationCounting? = nil) {
        self.plan = plan
        self.allocations = allocations
    }

    /// - Parameter progress: called before each segment with (segment, total segments), warm-up included.
    public func measure(_ model: ProfiledModel, size: Int,
                        progress: (Int, Int) -> Void = { _, _ in }) throws -> SizeMeasurement {
        let configuration = try plan.shape.configuration(for: model, memoryWords: size)
        let episode = try Episode<Float>.random(configuration: configuration, steps: plan.steps, seed: plan.shape.episodeSeed)
        let setupStart = Clock.monotonic()
        let instance = try model.makeFloat(configuration)
        let setupSeconds = Clock.monotonic() - setupStart
        let reference = valgrind_running() == 0 ? try ProfiledModel.controller.makeFloat(
            plan.shape.configuration(for: .controller, memoryWords: size)) : nil
        let setupPeak = ResidentMemory.peakBytes()
        let canReset = ResidentMemory.resetPeak()

        let t = Double(plan.steps)
        let (repeats, warmup) = plan.segments(model, size: size)
        struct Segment {
            let forward, backward, reset, cpu, bytes: Double
            /// The reference's forward + backward per step, timed right after (nil under valgrind).
            let reference: Double?
            /// Allocations per step of forward + backward, and of the whole reset (nil: not counted).
            let allocations, resetAllocations: Double?
            var busy: Double { cpu / (forward + backward) }
        }
        var account: [MemoryAccountEntry]?
        func runSegment() throws -> Segment {
            allocations?.start()
            let cpu0 = Clock.threadCPU()
            let t0 = Clock.monotonic()
            _ = try instance.forward(episode, mode: .training)
            let t1 = Clock.monotonic()
            let recordBytes = instance.backwardRecordBytes
            _ = try instance.backward()
            let t2 = Clock.monotonic()
            let cpu1 = Clock.threadCPU()
            let stepAllocations = allocations?.stop()
            // Where the bytes are, with this segment's tape and gradients still held (outside the timing).
            account = (instance as? any MemoryAccounting)?.memoryAccount
            // The episode ends: back to M_0 (SAM: O(rows touched), Proofs/episode-reset.md). Timed
            // whole, not per step, and outside the busy fraction of the steps.
            allocations?.start()
            instance.reset()
            let t3 = Clock.monotonic()
            let resetAllocations = allocations?.stop()
            var referenceSeconds: Double?
            if let reference {
                let r0 = Clock.monotonic()
                _ = try reference.forward(episode, mode: .training)
                _ = try reference.backward()
                referenceSeconds = (Clock.monotonic() - r0) / t
                reference.reset()
            }
            return Segment(forward: (t1 - t0) / t, backward: (t2 - t1) / t, reset: t3 - t2, cpu: (cpu1 - cpu0) / t,
                           bytes: Double(recordBytes) / t, reference: referenceSeconds,
                           allocations: stepAllocations.map { Double($0) / t },
                           resetAllocations: resetAllocations.map(Double.init))
        }
        let maxAttempts = repeats * Self.attemptFactor
        let total = warmup + repeats
        // Under `valgrind --tool=callgrind --instr-atstart=no` (scripts/step-profile.sh) only the timed
        // segments are counted: instrumentation starts before the last warm-up segment, so the cache
        // simulator is warm, and the counts are zeroed after it. Natively these calls are no-ops.
        for segment in 0..<warmup {
            progress(segment, total)
            if segment == warmup - 1 { valgrind_start_instrumentation() }
            _ = try runSegment()
        }
        if warmup == 0 { valgrind_start_instrumentation() }
        valgrind_zero_statistics()
        // Timed segments. A segment during which this thread was on the CPU for less than
        // `minimumBusyFraction` of the wall time was preempted by another process: it is set aside
        // and re-run, up to `attemptFactor` × repeats attempts; if too few clean segments remain,
        // the least preempted of the set-aside ones fill the gap.
        var kept: [Segment] = [], setAside: [Segment] = []
        var attempts = 0
        while kept.count < repeats && attempts < maxAttempts {
            progress(warmup + kept.count, total)
            let s = try runSegment()
            attempts += 1
            if s.busy >= Self.minimumBusyFraction { kept.append(s) } else { setAside.append(s) }
        }
        valgrind_stop_instrumentation()
        let rejected = setAside.count
        if kept.count < repeats {
            kept += setAside.sorted { $0.busy > $1.busy }.prefix(repeats - kept.count)
        }
        let forward = kept.map(\.forward), backward = kept.map(\.backward), reset = kept.map(\.reset)
        let cpu = kept.map(\.cpu), bytes = kept.map(\.bytes)
        progress(total, total)
        var measurement = SizeMeasurement(model: model, size: size, steps: plan.steps, warmupSegments: warmup,
                               setupSeconds: setupSeconds, forwardSeconds: forward, backwardSeconds: backward,
                               resetSeconds: reset,
                               cpuSeconds: cpu, recordBytesPerStep: bytes,
                               peakResidentBytes: canReset ? ResidentMemory.peakBytes() : nil,
                               setupPeakResidentBytes: setupPeak, isolated: false, preemptedSegments: rejected)
        measurement.memoryAccount = account
        if reference != nil { measurement.referenceStepSeconds = kept.compactMap(\.reference) }
        if allocations != nil {
            measurement.allocationsPerStep = kept.compactMap(\.allocations)
            measurement.resetAllocations = kept.compactMap(\.resetAllocations)
        }
        // After the peak RSS was read: the roofline's own N x W buffers do not count in it.
        if model == .dam { measurement.roofline = DenseRoofline.measure(size: size, shape: plan.shape) }
        return measurement
    }
}

/// Starts and stops a process-wide count of heap allocations (malloc, calloc, realloc and the aligned
/// allocators). `samkit` injects its counter (`CAllocationCounter`, which interposes those calls in the
/// executable); the library does not link it, so other executables keep glibc's allocator untouched.
public struct AllocationCounting: Sendable {
    /// Zeroes the count and starts counting.
    public let start: @Sendable () -> Void
    /// Stops counting and returns the allocations counted since `start`.
    public let stop: @Sendable () -> Int
    /// A counter from its two calls.
    public init(start: @escaping @Sendable () -> Void, stop: @escaping @Sendable () -> Int) {
        self.start = start
        self.stop = stop
    }
}
