import NearestNeighbours
import Foundation
import ComplexityFit
import MemoryModels
import Profiling
import Verification

/// What a gate counter measures.
public enum GateMetric: String, Codable, Sendable, CaseIterable {
    /// Bytes SAM/DAM hold for the backward pass after a training forward, divided by T (exact).
    case backwardRecordBytesPerStep = "backward-record-bytes-per-step"
    /// Heap allocations (malloc, calloc, realloc) per step of forward + backward, steady state.
    case allocationsPerStep = "allocations-per-step"
    /// Rows one episode reset visits after a training segment (`StepWorkCounting.lastResetRows`: SAM's
    /// memory and ring rows, the SDNC's plus its link rows and columns): O(T·R·K), not N.
    case resetRows = "reset-rows"
}

/// A deterministic counter at one N: it holds when |measured − expected| ≤ tolerance.
public struct CounterCheck: Codable, Sendable, Equatable {
    public var model: ProfiledModel
    public var metric: GateMetric
    /// N.
    public var size: Int
    public var expected: Double
    /// Absolute tolerance (0: exact).
    public var tolerance: Double
    public var name: String { "\(model.rawValue) \(metric.rawValue) @N=\(GateFormat.size(size))" }
}

/// The growth of a counter over N: a regression when its exact least-squares log-log slope exceeds `maxSlope`.
public struct ComplexityCheck: Codable, Sendable, Equatable {
    public var model: ProfiledModel
    public var metric: GateMetric
    public var expectedClass: ComplexityClass
    public var maxSlope: Double
    /// At least 4 distinct sizes.
    public var sizes: [Int]
    public var name: String { "\(model.rawValue) \(metric.rawValue) slope" }
}

/// A sparse model's per-step work counters (`StepWork`; SAM's fields, the SDNC's also its link
/// fields): each field's peak per step over a segment at `size`
/// (N = 2^12), which must hold exactly there and at every size of `compareSizes` (2^10 and 2^16):
/// any loop over N in a counted stage changes the value with N and fails deterministically.
public struct WorkCheck: Codable, Sendable, Equatable {
    public var model: ProfiledModel
    public var size: Int
    public var compareSizes: [Int]
    /// Field name (`StepWork.fields`, "index-distances/N" for an exact index) → rows per step.
    /// A field left out is not checked (the baseline's notes say why).
    public var perStep: [String: Double]
    /// Fields judged by their growth instead (field → the largest allowed exact log-log slope of the
    /// peak over `size` and `compareSizes`; nil: none): counts of distinct rows whose overlaps depend
    /// on the data, so that their peak differs a little between sizes (the SDNC's written rows, whose
    /// link slots overlap its content rows, and its link work). A loop over N has slope 1.
    public var growthFields: [String: Double]?
    public func name(_ field: String) -> String { "work \(model.rawValue) \(field) (peak per step)" }
    public func growthName(_ field: String) -> String { "work \(model.rawValue) \(field) (peak per step) slope" }
}

/// One side of a timing ratio.
public struct TimingPoint: Codable, Sendable, Equatable, Hashable {
    public var model: ProfiledModel
    public var size: Int
    public var label: String { "\(model.rawValue)@\(GateFormat.size(size))" }
}

/// Step time of `numerator` / step time of `denominator`, paired round by round in this run: a
/// regression when the one-sided lower bootstrap bound of the median paired ratio exceeds `threshold`.
public struct RatioCheck: Codable, Sendable, Equatable {
    public var numerator: TimingPoint
    public var denominator: TimingPoint
    public var threshold: Double
    /// The median ratio the last `--update` measured (`--init` sets threshold from it when `thresholdFactor` is set).
    public var lastMeasured: Double?
    /// When set, `--init` and `--update` set threshold = lastMeasured × thresholdFactor (a growth check);
    /// when nil the threshold is a fixed claim (e.g. SAM at least 10× faster than DAM) and is kept.
    public var thresholdFactor: Double?
    /// The ratio's between-run spread (relative SD of one run's median over separate runs, `gate --record-spread`);
    /// when set, a growth check's threshold is lastMeasured × (1 + `TimingRule.betweenRunTolerance`).
    public var betweenRunSpread: Double?
    /// How many separate runs `betweenRunSpread` was estimated from (`gate --record-spread`; nil: one
    /// process's power passes). The rule's quantile is Student's t with runs − 1 degrees of freedom.
    public var betweenRunSpreadRuns: Int?
    public var name: String { "time ratio \(numerator.label) / \(denominator.label)" }
}

/// A model's step time divided by the calibration workload's time in the same round (paired), against
/// the baseline's: a regression when the one-sided lower bootstrap bound of the median normalised
/// time exceeds `normalised × (1 + tolerance)`. `tolerance` is derived from measured spread
/// (`TimingRule`, README "The CI gate").
public struct StepTimeCheck: Codable, Sendable, Equatable {
    public var point: TimingPoint
    /// Median over rounds of (seconds per step) / (calibration seconds), at the last `--update`.
    public var normalised: Double
    /// Relative tolerance.
    public var tolerance: Double
    /// The relative round-to-round spread (1.4826 × MAD / median of the paired normalised times)
    /// measured at the last `--update`, from which `tolerance` was derived.
    public var measuredSpread: Double
    /// The between-run spread of the run's median (relative SD over the clean passes of
    /// `gate --record-spread`); when set, the tolerance is at least `TimingRule.betweenRunTolerance` of it.
    public var betweenRunSpread: Double?
    /// How many separate runs `betweenRunSpread` was estimated from (as for `RatioCheck`).
    public var betweenRunSpreadRuns: Int?
    public var name: String { "normalised step time \(point.label)" }
}

/// Resident memory: the peak RSS increase of building the model at N and running T = `shortSteps`,
/// against the baseline's, and the RSS growth per step from `shortSteps` to `longSteps` steps
/// bounded by `growthBound` × the backward record bytes per step (SAM: its O(1) record).
public struct MemoryCheck: Codable, Sendable, Equatable {
    public var model: ProfiledModel
    public var size: Int
    public var shortSteps: Int
    public var longSteps: Int
    /// Bytes at the last `--update`; a regression when measured > peakBytes × (1 + peakTolerance).
    public var peakBytes: Double
    public var peakTolerance: Double
    public var growthBound: Double
    public var peakName: String { "peak RSS \(model.rawValue) @N=\(GateFormat.size(size))" }
    public var growthName: String { "RSS growth per step \(model.rawValue) @N=\(GateFormat.size(size)) T=\(shortSteps)→\(longSteps)" }
}

/// Gradient checks that must pass on seeded verification cases.
/// (Issue 8 adds Float cases and an approximate index at a real N here, from Verification's presets.)
public struct GradientCheck: Codable, Sendable, Equatable {
    public var model: ModelKind
    public var checks: [CheckKind]
    /// Cases in a full run; `--quick` runs `quickCases`.
    public var cases: Int
    public var quickCases: Int
    public var seed: UInt64
    /// The case ranges (`CaseRanges`; nil: the toy preset) and SAM's index (nil: exact). The gate
    /// draws Float cases (`floatAgreement`) and cases where an approximate index runs its own search
    /// (N ≥ 16 × checks) through these.
    public var ranges: CaseRanges?
    public var index: IndexKind?
    /// The SDNC's gradient through its temporal links (`TemporalLinkSettings.Gradient`, as `samkit verify
    /// --link-gradient` sets it on each case); nil: the case's own (the recorded default). Models
    /// without links ignore it.
    public var linkGradient: TemporalLinkSettings.Gradient?
    public func name(_ check: CheckKind) -> String {
        "gradient \(model.rawValue) \(check.rawValue)" + (index.map { $0 == .exact ? "" : " \($0.rawValue)" } ?? "")
            + (ranges.map { " N=\($0.memoryWords.lowerBound)...\($0.memoryWords.upperBound)" } ?? "")
            + (linkGradient.map { " link-gradient \($0.rawValue)" } ?? "")
    }
}

/// A regression `--update` was told to accept (`--accept-regression CHECK --reason TEXT`).
public struct AcceptedRegression: Codable, Sendable, Equatable {
    public var check: String
    public var reason: String
    public var measured: String
    public var date: String
}

/// How timings are taken and judged.
public struct TimingSettings: Codable, Sendable, Equatable {
    /// T, steps per timed segment.
    public var steps: Int
    /// Untimed warm-up segments per instance.
    public var warmup: Int
    /// Interleaved rounds (full run), and with `--quick`.
    public var repeats: Int
    public var quickRepeats: Int
    /// One-sided confidence of the bootstrap bounds.
    public var confidence: Double
    public var bootstrapResamples: Int
    public var seed: UInt64
}
