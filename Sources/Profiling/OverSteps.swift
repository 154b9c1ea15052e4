import Foundation
import MemoryModels
import SAMNumerics

/// The paper's memory figure (Fig. 1b): one model at one N, trained (forward and backward) over
/// episodes of several lengths T; the peak resident memory of each, against T.
///
/// Validated on construction; every rejection names the value and the valid range.
public struct OverStepsPlan: Codable, Sendable, Equatable {
    /// Valid episode lengths T.
    public static let stepsRange = 1...1_000_000
    /// The default lengths for SAM: 100 (the paper's figure) to 100,000 steps, factors of 10.
    public static let standardSteps = [100, 1_000, 10_000, 100_000]

    /// The model trained.
    public let model: ProfiledModel
    /// N, memory words.
    public let size: Int
    /// The episode lengths T, ascending and distinct.
    public let steps: [Int]
    /// The model's shape (W, R, K, H, ...).
    public let shape: ModelShape

    /// Validates `size` (`SweepPlan.sizeRange`) and `steps` (non-empty, distinct, each in `stepsRange`); stores `steps` sorted.
    public init(model: ProfiledModel, size: Int, steps: [Int], shape: ModelShape = ModelShape()) throws(ProfilingError) {
        guard SweepPlan.sizeRange.contains(size) else { throw .sizeOutOfRange(size: size, valid: SweepPlan.sizeRange) }
        guard !steps.isEmpty else {
            throw .optionOutOfRange(name: "steps", value: "(none)", valid: "at least one T in \(Self.rangeText)")
        }
        var seen = Set<Int>()
        for t in steps {
            guard Self.stepsRange.contains(t) else { throw .optionOutOfRange(name: "steps", value: "\(t)", valid: Self.rangeText) }
            guard seen.insert(t).inserted else {
                throw .optionOutOfRange(name: "steps", value: "\(t) (listed twice)", valid: "distinct values in \(Self.rangeText)")
            }
        }
        self.model = model
        self.size = size
        self.steps = steps.sorted()
        self.shape = shape
    }

    static var rangeText: String { "\(stepsRange.lowerBound)...\(stepsRange.upperBound)" }

    /// Parses `--steps`: comma-separated T values, each decimal or `2^k`.
    public static func parseSteps(_ text: String) throws(ProfilingError) -> [Int] {
        var steps: [Int] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let entry = raw.trimmingCharacters(in: .whitespaces)
            guard let t = SizeSyntax.parse(entry) else {
                throw .optionOutOfRange(name: "steps", value: "'\(entry)' (not a whole number)", valid: "whole numbers or 2^k in \(rangeText), comma-separated")
            }
            steps.append(t)
        }
        return steps
    }

    /// The default runs: SAM with the k-d forest at N = 2^20 over T = 100 ... 100,000, and DAM at
    /// N = 2^16 over T = 100 (the side-by-side with the paper's 29 GiB for the NTM, 7.8 MiB for SAM).
    public static func standard() -> [OverStepsPlan] {
        [try! OverStepsPlan(model: .samKDTree, size: 1 << 20, steps: standardSteps),
         try! OverStepsPlan(model: .dam, size: 1 << 16, steps: [100])]
    }

    /// The report's `--quick` runs: SAM with the k-d forest at 2^16 over T = 100 ... 10,000, DAM at 2^13.
    public static func quick() -> [OverStepsPlan] {
        [try! OverStepsPlan(model: .samKDTree, size: 1 << 16, steps: [100, 1_000, 3_000, 10_000]),
         try! OverStepsPlan(model: .dam, size: 1 << 13, steps: [100])]
    }

    /// The configuration of `model` at N = `size` with `shape`; throws if the shape is invalid for the model.
    public func configuration() throws(ConfigurationError) -> ModelConfiguration {
        try shape.configuration(for: model, memoryWords: size)
    }

    /// The estimated bytes of the model and an episode of the largest T (`ModelFootprint`, Float;
    /// parameters and their gradients); nil if the count overflows.
    public func estimatedBytes() throws(ConfigurationError) -> Int? {
        try configuration().footprint(dense: model.family.hasDenseFootprint).bytes(scalarBytes: MemoryLayout<Float>.size, steps: steps.last!)
    }
}

/// One episode of T steps, forward and backward, and the resident memory it took.
public struct OverStepsPoint: Codable, Sendable, Equatable {
    /// T.
    public let steps: Int
    /// VmRSS once the model was built and the free heap returned to the kernel, before any step.
    public let baselineResidentBytes: Int
    /// VmRSS when this episode started (after the earlier episodes, if any, in the same process).
    public let startResidentBytes: Int
    /// VmHWM over this episode's forward and backward passes (reset when the episode started).
    public let peakResidentBytes: Int
    /// The exact bytes the model held for the backward pass after the forward pass.
    public let recordBytes: Int
    /// Wall seconds of the forward and backward passes (for the progress estimate; not a benchmark).
    public let seconds: Double
    /// Whether this T ran alone in a fresh process (else after the smaller T of the list, in one process).
    public let freshProcess: Bool

    /// Peak resident memory above the baseline: the memory T steps of training took.
    public var growthBytes: Int { peakResidentBytes - baselineResidentBytes }
    /// `growthBytes` / T.
    public var growthPerStep: Double { Double(growthBytes) / Double(steps) }
}

/// Measures one `OverStepsPlan` in the current process.
///
/// The model is built and every episode drawn first; then the free heap is returned to the kernel
/// and VmRSS read as the baseline. For each T in ascending order: the free heap is returned again,
/// VmHWM is reset, T steps forward and T steps backward run, VmHWM is read, and the model is reset
/// to M_0. The growth of T is its peak minus the baseline *before the first episode*: memory kept
/// from a smaller T (and reused) still counts, so a list run in one process never under-counts.
public struct OverStepsDriver: Sendable {
    /// The model, N and episode lengths to measure.
    public let plan: OverStepsPlan

    /// A driver for `plan`.
    public init(plan: OverStepsPlan) { self.plan = plan }

    /// - Parameters:
    ///   - freshProcess: whether this process was started for this plan alone (a worker).
    ///   - progress: called before each episode with (T, index, count).
    public func measure(freshProcess: Bool = false,
                        progress: (Int, Int, Int) -> Void = { _, _, _ in }) throws -> [OverStepsPoint] {
        let configuration = try plan.configuration()
        var episodes: [Episode<Float>] = []
        for t in plan.steps {
            episodes.append(try Episode<Float>.random(configuration: configuration, steps: t, seed: plan.shape.episodeSeed))
        }
        let model = try plan.model.makeFloat(configuration)
        ResidentMemory.releaseFreeHeap()
        guard let baseline = ResidentMemory.currentBytes() else {
            throw ProfilingError.invalidMeasurement(field: "VmRSS", value: "unavailable", valid: "/proc/self/status with VmRSS")
        }
        var points: [OverStepsPoint] = []
        for (i, episode) in episodes.enumerated() {
            progress(episode.steps, i, episodes.count)
            ResidentMemory.releaseFreeHeap()
            let start = ResidentMemory.currentBytes() ?? baseline
            guard ResidentMemory.resetPeak() else {
                throw ProfilingError.invalidMeasurement(field: "VmHWM", value: "cannot be reset",
                                                        valid: "a writable /proc/self/clear_refs")
            }
            let t0 = Clock.monotonic()
            _ = try model.forward(episode, mode: .training)
            let recordBytes = model.backwardRecordBytes
            _ = try model.backward()
            let seconds = Clock.monotonic() - t0
            guard let peak = ResidentMemory.peakBytes() else {
                throw ProfilingError.invalidMeasurement(field: "VmHWM", value: "unavailable", valid: "/proc/self/status with VmHWM")
            }
            model.reset()
            points.append(OverStepsPoint(steps: episode.steps, baselineResidentBytes: baseline, startResidentBytes: start,
                                         peakResidentBytes: peak, recordBytes: recordBytes, seconds: seconds,
                                         freshProcess: freshProcess && episodes.count == 1))
        }
        return points
    }
}
