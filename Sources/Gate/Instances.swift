import Foundation
import MemoryModels
import NearestNeighbours
import Profiling
#if canImport(Glibc)
import Glibc
#endif

/// The regressions the gate must catch, behind a test-only switch (`samkit gate --inject`).
public enum Injection: String, Codable, Sendable, CaseIterable {
    /// SAM's k-d forest replaced by the linear scan (`PerformanceFault.linearScanIndex`).
    case linearScanIndex = "linear-scan-index"
    /// A full copy of memory per step in SAM's journal (`PerformanceFault.copyMemoryPerStep`).
    case copyMemoryPerStep = "copy-memory-per-step"
    /// A wrong gradient term: the write-gate term dropped (`GradientFault.dropWriteGateTerm`).
    case wrongGradient = "wrong-gradient"
    /// The index never updated after writes (`PerformanceFault.staleIndex`).
    case staleIndex = "stale-index"
    /// One heap allocation added to every step (`PerformanceFault.allocatePerStep`).
    case allocatePerStep = "allocate-per-step"

    public var performanceFault: PerformanceFault? {
        switch self {
        case .linearScanIndex: .linearScanIndex
        case .copyMemoryPerStep: .copyMemoryPerStep
        case .staleIndex: .staleIndex
        case .allocatePerStep: .allocatePerStep
        case .wrongGradient: nil
        }
    }
    public var gradientFault: GradientFault? { self == .wrongGradient ? .dropWriteGateTerm : nil }
}

/// Counts the heap allocations made while running a block (injected by `samkit`, which links the
/// allocation counter; nil where none is available, and then allocation checks are skipped).
public typealias AllocationCounter = (() -> Void) -> Int

/// One Float model at one N, built as the profiler builds it (`ModelShape`), with the injection applied.
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
        switch model {
        case .dam:
            instance = DAM<Float>(configuration: c)
        case .samExact, .samKDTree, .samLSH:
            let sam = try SAM<Float>(configuration: c)
            sam.performanceFault = injection?.performanceFault
            instance = sam
        }
        instance.fault = injection?.gradientFault
    }

    var sam: SAM<Float>? { instance as? SAM<Float> }

    /// One training forward and backward over the episode.
    func segment() throws {
        _ = try instance.forward(episode, mode: .training)
        _ = try instance.backward()
    }

    /// Seconds per step of one forward + backward, and the fraction of the wall time this thread was on a CPU.
    func timedSegment() throws -> (seconds: Double, busy: Double) {
        let c0 = Clock.threadCPU(), t0 = Clock.monotonic()
        try segment()
        let t1 = Clock.monotonic(), c1 = Clock.threadCPU()
        let wall = max(t1 - t0, 1e-12)
        return (wall / Double(steps), (c1 - c0) / wall)
    }

    /// The deterministic counters of one segment (after warm-up).
    func counters(allocations: AllocationCounter?) throws -> [GateMetric: Double] {
        let t = Double(steps)
        var result: [GateMetric: Double] = [:]
        let before = sam?.index.counters
        _ = try instance.forward(episode, mode: .training)
        result[.backwardRecordBytesPerStep] = Double(instance.backwardRecordBytes) / t
        _ = try instance.backward()
        if let before, let after = sam?.index.counters {
            result[.rowsUpdatedPerStep] = Double(after.rowsUpdated - before.rowsUpdated) / t
            let queries = after.queries - before.queries
            result[.distanceEvaluationsPerQuery] =
                queries > 0 ? Double(after.distanceEvaluations - before.distanceEvaluations) / Double(queries) : 0
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
