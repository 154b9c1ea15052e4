import ComplexityFit
import Foundation
import OutputFiles
import SAMNumerics

/// Everything measured for one model at one N, in one process. Per-step values are per segment
/// of T steps divided by T; one replicate per timed segment.
public struct SizeMeasurement: Codable, Sendable, Equatable {
    /// The model measured.
    public let model: ProfiledModel
    /// N.
    public let size: Int
    /// T, steps per segment.
    public let steps: Int
    /// Untimed segments run before the timed ones.
    public let warmupSegments: Int
    /// Seconds to construct the model: M_0 fill plus the index build (the k-d forest at N = 2^20).
    /// Outside every timed step.
    public let setupSeconds: Double
    /// Wall seconds per step of the forward pass, one per timed segment (monotonic clock).
    public let forwardSeconds: [Double]
    /// Wall seconds per step of the backward pass, one per timed segment.
    public let backwardSeconds: [Double]
    /// Wall seconds of the reset that ends each timed segment (one episode of T steps back to M_0),
    /// whole, not per step; nil in files written before it was measured.
    public let resetSeconds: [Double]?
    /// Thread CPU seconds per step, forward plus backward (CLOCK_THREAD_CPUTIME_ID); for judging
    /// how much of the wall time was lost to other processes.
    public let cpuSeconds: [Double]
    /// Exact bytes the model held for its backward pass after each timed forward, divided by T.
    public let recordBytesPerStep: [Double]
    /// Peak resident set (VmHWM) over the timed segments, after resetting it when setup ended;
    /// nil where /proc does not provide it.
    public let peakResidentBytes: Int?
    /// VmHWM at the end of setup (before the reset).
    public let setupPeakResidentBytes: Int?
    /// Whether the measurement ran in a fresh child process (so no earlier size's pages count).
    public let isolated: Bool
    /// Timed segments set aside and re-run because another process preempted this one (thread CPU
    /// time below `Driver.minimumBusyFraction` of the wall time).
    public let preemptedSegments: Int
    /// How many separate worker processes measured this (model, N) (nil in format 1: one). The
    /// segment arrays hold each process's kept segments in turn, equally many per process.
    public let processes: Int?
    /// Where the model's bytes went (`MemoryAccounting`), read after a timed segment's backward;
    /// nil for a model without an account and in files written before it was kept.
    public var memoryAccount: [MemoryAccountEntry]?
    /// DAM only: the single-thread BLAS rate for DAM's shapes, measured in the same worker.
    public var roofline: DenseRoofline?
    /// Heap allocations (malloc, calloc, realloc, process-wide) per step of forward + backward, one per
    /// kept timed segment; nil where the worker had no counter (and in files written before it was counted).
    public var allocationsPerStep: [Double]?
    /// Heap allocations of the reset that ends each kept timed segment (whole, not per step); nil as above.
    public var resetAllocations: [Double]?
    /// The paired reference of each kept timed segment: the bare controller's forward + backward per step,
    /// timed right after the segment in the same process (`Driver`); nil under valgrind and in files
    /// written before it was measured.
    public var referenceStepSeconds: [Double]?

    /// Allocations per steady-state step: the least over the timed segments (an occasional index
    /// rebuild or buffer growth is not per-step work; an allocation every step shows in every segment),
    /// the gate's rule. Nil when not counted.
    public var steadyAllocationsPerStep: Double? { allocationsPerStep?.min() }

    /// Processes whose medians the replicates are (1 in older files).
    public var processCount: Int { processes ?? 1 }

    /// The fit's replicates of a per-segment list: with one process, the segments themselves; with
    /// several, the median of each process's segments (so between-run variance is in the spread).
    public func replicates(_ values: [Double]) -> [Double] {
        let p = processCount
        guard p > 1, values.count % p == 0 else { return values }
        let per = values.count / p
        return (0..<p).map { Statistics.median(Array(values[($0 * per)..<(($0 + 1) * per)])) }
    }

    /// Forward plus backward, per step, segment by segment.
    public var stepSeconds: [Double] { zip(forwardSeconds, backwardSeconds).map { $0 + $1 } }

    /// Thread CPU time over wall time of each kept segment.
    public var busyFractions: [Double] { zip(cpuSeconds, stepSeconds).map { $0 / $1 } }

    /// Some kept segment still had CPU/wall below `Driver.minimumBusyFraction`: the re-run cap was
    /// reached without enough clean segments, so the times carry other processes' load.
    public var isNoisy: Bool { busyFractions.contains { $0 < Driver.minimumBusyFraction } }

    /// A measurement of `model` at N = `size`.
    public init(model: ProfiledModel, size: Int, steps: Int, warmupSegments: Int, setupSeconds: Double,
                forwardSeconds: [Double], backwardSeconds: [Double], resetSeconds: [Double]? = nil, cpuSeconds: [Double],
                recordBytesPerStep: [Double], peakResidentBytes: Int?, setupPeakResidentBytes: Int?, isolated: Bool,
                preemptedSegments: Int = 0, processes: Int? = nil) {
        self.model = model
        self.size = size
        self.steps = steps
        self.warmupSegments = warmupSegments
        self.setupSeconds = setupSeconds
        self.forwardSeconds = forwardSeconds
        self.backwardSeconds = backwardSeconds
        self.resetSeconds = resetSeconds
        self.cpuSeconds = cpuSeconds
        self.recordBytesPerStep = recordBytesPerStep
        self.peakResidentBytes = peakResidentBytes
        self.setupPeakResidentBytes = setupPeakResidentBytes
        self.isolated = isolated
        self.preemptedSegments = preemptedSegments
        self.processes = processes
    }

    func with(isolated: Bool? = nil, processes: Int?? = nil) -> SizeMeasurement {
        var copy = SizeMeasurement(model: model, size: size, steps: steps, warmupSegments: warmupSegments,
                        setupSeconds: setupSeconds, forwardSeconds: forwardSeconds, backwardSeconds: backwardSeconds,
                        resetSeconds: resetSeconds, cpuSeconds: cpuSeconds, recordBytesPerStep: recordBytesPerStep,
                        peakResidentBytes: peakResidentBytes, setupPeakResidentBytes: setupPeakResidentBytes,
                        isolated: isolated ?? self.isolated, preemptedSegments: preemptedSegments,
                        processes: processes ?? self.processes)
        copy.memoryAccount = memoryAccount
        copy.roofline = roofline
        copy.allocationsPerStep = allocationsPerStep
        copy.resetAllocations = resetAllocations
        copy.referenceStepSeconds = referenceStepSeconds
        return copy
    }

    /// Measurements of one (model, N) from separate processes, as one measurement: segments in
    /// process order, setup time and peak resident memory the medians/maximum, re-runs summed.
    static func merging(_ runs: [SizeMeasurement]) -> SizeMeasurement {
        let first = runs[0]
        guard runs.count > 1 else { return first }
        var merged = SizeMeasurement(model: first.model, size: first.size, steps: first.steps, warmupSegments: first.warmupSegments,
                               setupSeconds: Statistics.median(runs.map(\.setupSeconds)),
                               forwardSeconds: runs.flatMap(\.forwardSeconds), backwardSeconds: runs.flatMap(\.backwardSeconds),
                               resetSeconds: runs.allSatisfy { $0.resetSeconds != nil } ? runs.flatMap { $0.resetSeconds! } : nil,
                               cpuSeconds: runs.flatMap(\.cpuSeconds), recordBytesPerStep: runs.flatMap(\.recordBytesPerStep),
                               peakResidentBytes: runs.compactMap(\.peakResidentBytes).max(),
                               setupPeakResidentBytes: runs.compactMap(\.setupPeakResidentBytes).max(),
                               isolated: runs.allSatisfy(\.isolated), preemptedSegments: runs.reduce(0) { $0 + $1.preemptedSegments },
                               processes: runs.count)
        merged.memoryAccount = first.memoryAccount
        merged.roofline = runs.compactMap(\.roofline).max { $0.gemmGFLOPS < $1.gemmGFLOPS }
        if runs.allSatisfy({ $0.allocationsPerStep != nil && $0.resetAllocations != nil }) {
            merged.allocationsPerStep = runs.flatMap { $0.allocationsPerStep! }
            merged.resetAllocations = runs.flatMap { $0.resetAllocations! }
        }
        if runs.allSatisfy({ $0.referenceStepSeconds != nil }) { merged.referenceStepSeconds = runs.flatMap { $0.referenceStepSeconds! } }
        return merged
    }
}

/// A (model, N) that could not be measured, and why.
public struct MeasurementFailure: Codable, Sendable, Equatable {
    /// The model that failed.
    public let model: ProfiledModel
    /// N.
    public let size: Int
    /// Why (the worker's error).
    public let reason: String
}

/// The output of `samkit profile`: the plan, the machine, every measurement and every failure.
public struct MeasurementSet: Codable, Sendable, Equatable {
    /// Format version of this file: 2 adds `processes` (replicates from separate processes).
    public var formatVersion = 2
    /// The sweep that was run.
    public let plan: SweepPlan
    /// The machine and build it ran on.
    public let machine: MachineInfo
    /// Every (model, N) measured.
    public let measurements: [SizeMeasurement]
    /// Every (model, N) that could not be measured.
    public let failures: [MeasurementFailure]
    /// Wall seconds the whole sweep took.
    public let sweepSeconds: Double
    /// The machine's quiet before the sweep (nil in format 1, or when not run).
    public var quietCheck: QuietCheck?

    /// A measurement file's contents.
    public init(plan: SweepPlan, machine: MachineInfo, measurements: [SizeMeasurement],
                failures: [MeasurementFailure], sweepSeconds: Double, quietCheck: QuietCheck? = nil) {
        self.quietCheck = quietCheck
        self.plan = plan
        self.machine = machine
        self.measurements = measurements
        self.failures = failures
        self.sweepSeconds = sweepSeconds
    }

    /// The measurements of `model`, ascending in N.
    public func measurements(of model: ProfiledModel) -> [SizeMeasurement] {
        measurements.filter { $0.model == model }.sorted { $0.size < $1.size }
    }

    /// Reads and validates a measurements file.
    /// - Throws: `ProfilingError` naming the file and the field.
    public static func load(from url: URL) throws(ProfilingError) -> MeasurementSet {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadableMeasurements(path: url.path, reason: InputErrorText.describe(error))
        }
        let set: MeasurementSet
        do { set = try JSONCoding.decoder.decode(MeasurementSet.self, from: data) } catch {
            throw .unreadableMeasurements(path: url.path, reason: "not a samkit measurements file: \(InputErrorText.describe(error, input: data, accepted: InputErrorText.accepted(ProfiledModel.self, Metric.self)))")
        }
        try set.validate()
        return set
    }

    /// The file as JSON.
    public func encoded() throws -> Data { try JSONCoding.encoder.encode(self) }
}

enum JSONCoding {
    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }
    static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }
}
