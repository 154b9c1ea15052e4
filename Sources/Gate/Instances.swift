import Foundation
@_spi(FaultInjection) import MemoryModels
import NearestNeighbours
import Profiling

/// Counts the heap allocations made while running a block (injected by `samkit`, which links the
/// allocation counter; nil where none is available, and then allocation checks are skipped).
public typealias AllocationCounter = (() -> Void) -> Int

/// One Float model at one N, built as the profiler builds it (`ModelShape`). An injection can be
/// switched on and off again (the models' fault seam is reversible), so `--power` reuses instances.
final class Instance {
    let model: ProfiledModel
    let size: Int
    let steps: Int
    let instance: any MemoryModel<Float>
    let episode: Episode<Float>

    init(model: ProfiledModel, size: Int, steps: Int, injection: Injection?) throws {
        self.model = model
        self.size = size
        self.steps = steps
        let shape = ModelShape()
        let c = try shape.configuration(for: model, memoryWords: size)
        episode = try Episode<Float>.random(configuration: c, steps: steps, seed: shape.episodeSeed)
        instance = try model.makeFloat(c)
        inject(injection)
    }

    var sam: SAM<Float>? { instance as? SAM<Float> }
    /// The model's work counters and O(rows touched) reset (SAM and the SDNC: `StepWorkCounting`);
    /// nil for DAM and the bare controller.
    var counting: (any StepWorkCounting)? { instance as? any StepWorkCounting }

    /// Switches an injection on (nil: off). The performance faults are SAM's (`SAM.performanceFault`);
    /// a gradient fault goes to every model, which ignores one it does not have.
    func inject(_ injection: Injection?) {
        sam?.performanceFault = injection?.performanceFault
        instance.fault = injection?.gradientFault
    }

    /// Back to the state of a model just built: a work-counting model (SAM, the SDNC) reinitialised
    /// (M_0, its index rebuilt from all rows, a new ring, empty links; O(N)), any other model reset;
    /// then `warmup` segments (at least one).
    /// A model's step time depends on its history: the FLANN k-d forest keeps every point it
    /// removed until it is rebuilt after N insertions, and its searches still walk them. At 2^20
    /// no gate run reaches that rebuild, so an instance reused across `--power` passes got slower
    /// with every pass (the 2^20 / 2^12 ratio +35% over 40 passes) while one in a fresh process
    /// did not. The timing checks restart their instances so that every run times the same history.
    /// An instance that has run nothing since it was built or restarted and warmed up is left as it
    /// is (a fresh process's instances then cost one build, not two).
    func restart(warmup: Int) throws {
        guard !fresh else { return }
        if let counting { counting.reinitialise() } else { instance.reset() }
        try warmUp(warmup)
    }

    /// `segments` segments (at least one) after a build or restart.
    func warmUp(_ segments: Int) throws {
        for _ in 0..<max(1, segments) { try segment() }
        fresh = true
    }

    /// Built or restarted and warmed up, nothing run since.
    private(set) var fresh = false

    /// One training forward and backward over the episode.
    func segment() throws {
        fresh = false
        _ = try instance.forward(episode, mode: .training)
        _ = try instance.backward()
    }

    /// Seconds per step of one forward + backward, and the fraction of the wall time this thread was on a CPU.
    /// The seconds are this thread's CPU time, not wall time (Proofs/gate-timing.md): on a machine
    /// with more runnable threads than cores a segment longer than a scheduler slice waits for the
    /// CPU, and its wall time measured the load (11× at a load of 22 on 2 cores), not the code.
    func timedSegment() throws -> (seconds: Double, busy: Double) {
        let c0 = Clock.threadCPU(), t0 = Clock.monotonic()
        try segment()
        let t1 = Clock.monotonic(), c1 = Clock.threadCPU()
        let wall = max(t1 - t0, 1e-12)
        return ((c1 - c0) / Double(steps), (c1 - c0) / wall)
    }

    /// The peak per-step work of one segment (`StepWork`'s fields, the most rows one step touched:
    /// SAM's, and the SDNC's with its link fields; nil for DAM and the controller). For an exact
    /// index the distances are divided by N ("index-distances/N": R per step when exact).
    func work() throws -> [String: Double]? {
        guard let counting else { return nil }
        counting.resetWorkPeak()
        try segment()
        var values: [String: Double] = [:]
        for field in counting.workPeak.fields { values[field.name] = Double(field.value) }
        if model.index == .exact, let d = values.removeValue(forKey: "index-distances") {
            values["index-distances/N"] = d / Double(size)
        }
        return values
    }

    /// The deterministic counters of one segment (after warm-up).
    func counters(allocations: AllocationCounter?) throws -> [GateMetric: Double] {
        let t = Double(steps)
        var result: [GateMetric: Double] = [:]
        fresh = false
        _ = try instance.forward(episode, mode: .training)
        result[.backwardRecordBytesPerStep] = Double(instance.backwardRecordBytes) / t
        _ = try instance.backward()
        if let counting {   // the episode ends: back to M_0, visiting only what the segment touched
            instance.reset()
            result[.resetRows] = Double(counting.lastResetRows)
        }
        if let allocations {
            // Steady state: the least of three segments (an occasional index rebuild or buffer growth
            // is not per-step work; an allocation added to every step shows in all three).
            var least = Int.max
            for _ in 0..<3 {
                var failure: (any Error)?
                let n = allocations { do { try self.segment() } catch { failure = error } }
                if let failure { throw failure }
                least = min(least, n)
            }
            result[.allocationsPerStep] = Double(least) / t
        }
        return result
    }
}

/// Instances built once per (model, N) and reused by every check and every power repetition.
final class InstancePool {
    private struct Key: Hashable { let model: ProfiledModel; let size: Int }
    private var built: [Key: Instance] = [:]
    let steps: Int, warmup: Int
    var injection: Injection? {
        didSet { for i in built.values { i.inject(injection) } }
    }
    let progress: (String) -> Void

    init(steps: Int, warmup: Int, injection: Injection?, progress: @escaping (String) -> Void) {
        self.steps = steps
        self.warmup = warmup
        self.injection = injection
        self.progress = progress
    }

    func instance(_ model: ProfiledModel, _ size: Int) throws -> Instance {
        if let i = built[Key(model: model, size: size)] { return i }
        progress("building \(model.rawValue) at N = \(GateFormat.size(size))")
        let i = try Instance(model: model, size: size, steps: steps, injection: injection)
        try i.warmUp(warmup)
        built[Key(model: model, size: size)] = i
        return i
    }
}
