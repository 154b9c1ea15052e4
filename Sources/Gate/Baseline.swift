import Foundation
import ComplexityFit
import Profiling
import Verification

/// What a gate metric measures.
public enum GateMetric: String, Codable, Sendable, CaseIterable {
    /// Bytes SAM/DAM hold for the backward pass after a training forward, divided by T (exact).
    case backwardRecordBytesPerStep = "backward-record-bytes-per-step"
    /// Rows passed to the index's `update` per step (SAM: the journaled, written rows).
    case rowsUpdatedPerStep = "rows-updated-per-step"
    /// Query-to-row distances evaluated by the index per query.
    case distanceEvaluationsPerQuery = "distance-evaluations-per-query"
    /// Heap allocations (malloc, calloc, realloc) per step of forward + backward, steady state.
    case allocationsPerStep = "allocations-per-step"
    /// Wall seconds per step of forward + backward (timing: only in ratios and slopes within one run).
    case stepSeconds = "step-seconds"

    public var isTiming: Bool { self == .stepSeconds }
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

    public init(model: ProfiledModel, metric: GateMetric, size: Int, expected: Double, tolerance: Double) {
        self.model = model
        self.metric = metric
        self.size = size
        self.expected = expected
        self.tolerance = tolerance
    }
}

/// The growth of a metric over N: a regression when the log-log slope's lower confidence bound
/// exceeds `maxSlope` (for exact counters the bound is the slope itself). The class fitted by
/// ComplexityFit is reported beside it.
public struct ComplexityCheck: Codable, Sendable, Equatable {
    public var model: ProfiledModel
    public var metric: GateMetric
    public var expectedClass: ComplexityClass
    public var maxSlope: Double
    /// At least 4 distinct sizes.
    public var sizes: [Int]
    public var name: String { "\(model.rawValue) \(metric.rawValue) slope" }
}

/// One side of a timing ratio.
public struct TimingPoint: Codable, Sendable, Equatable, Hashable {
    public var model: ProfiledModel
    public var size: Int
    public var label: String { "\(model.rawValue)@\(GateFormat.size(size))" }
}

/// median(step time of numerator) / median(step time of denominator), both measured in this run,
/// interleaved. A regression when the ratio's lower confidence bound (bootstrap) exceeds `threshold`.
public struct RatioCheck: Codable, Sendable, Equatable {
    public var numerator: TimingPoint
    public var denominator: TimingPoint
    public var threshold: Double
    /// The ratio the last `--update` measured (information only).
    public var lastMeasured: Double?
    public var name: String { "time ratio \(numerator.label) / \(denominator.label)" }
}

/// Gradient checks that must pass on seeded verification cases.
public struct GradientCheck: Codable, Sendable, Equatable {
    public var model: ModelKind
    public var checks: [CheckKind]
    /// Cases in a full run; `--quick` runs `quickCases`.
    public var cases: Int
    public var quickCases: Int
    public var seed: UInt64
    public func name(_ check: CheckKind) -> String { "gradient \(model.rawValue) \(check.rawValue)" }
}

/// How timings are taken and judged.
public struct TimingSettings: Codable, Sendable, Equatable {
    /// T, steps per timed segment.
    public var steps: Int
    /// Untimed warm-up segments per instance.
    public var warmup: Int
    /// Timed segments per instance (full run), and with `--quick`.
    public var repeats: Int
    public var quickRepeats: Int
    /// One-sided confidence of the bootstrap bound and of the slope bound.
    public var confidence: Double
    public var bootstrapResamples: Int
    public var seed: UInt64
}

/// `reports/baseline.json`: everything the gate compares a run with.
public struct Baseline: Codable, Sendable, Equatable {
    public static let formatName = "samkit-gate-baseline"
    public var format: String
    public var version: Int
    public var notes: [String]
    public var timing: TimingSettings
    public var counters: [CounterCheck]
    public var complexity: [ComplexityCheck]
    public var ratios: [RatioCheck]
    public var gradients: [GradientCheck]

    /// Reads and validates a baseline.
    /// - Throws: `GateError.baseline` naming the file and the field.
    public static func load(path: String) throws -> Baseline {
        guard FileManager.default.fileExists(atPath: path) else {
            throw GateError.baseline(path: path, field: "(file)", problem: "no such file")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw GateError.baseline(path: path, field: "(file)", problem: "unreadable: \(error.localizedDescription)")
        }
        return try decode(data, path: path)
    }

    public static func decode(_ data: Data, path: String = "baseline") throws -> Baseline {
        let b: Baseline
        do { b = try JSONDecoder().decode(Baseline.self, from: data) } catch let e as DecodingError {
            throw GateError.describe(e, path: path)
        } catch {
            throw GateError.baseline(path: path, field: "(file)", problem: "\(error)")
        }
        try b.validate(path: path)
        return b
    }

    /// Semantic checks, each naming its field.
    public func validate(path: String = "baseline") throws {
        func bad(_ field: String, _ problem: String) -> GateError { .baseline(path: path, field: field, problem: problem) }
        if format != Self.formatName { throw bad("format", "\"\(format)\", expected \"\(Self.formatName)\"") }
        if version != 1 { throw bad("version", "\(version), expected 1") }
        let sizes = SweepPlan.sizeRange
        if !(1...1000).contains(timing.steps) { throw bad("timing.steps", "\(timing.steps), valid 1...1000") }
        if !(0...100).contains(timing.warmup) { throw bad("timing.warmup", "\(timing.warmup), valid 0...100") }
        if !(3...1000).contains(timing.repeats) { throw bad("timing.repeats", "\(timing.repeats), valid 3...1000") }
        if !(3...1000).contains(timing.quickRepeats) { throw bad("timing.quickRepeats", "\(timing.quickRepeats), valid 3...1000") }
        if !(timing.confidence > 0.5 && timing.confidence < 1) { throw bad("timing.confidence", "\(timing.confidence), valid (0.5, 1)") }
        if !(100...100_000).contains(timing.bootstrapResamples) {
            throw bad("timing.bootstrapResamples", "\(timing.bootstrapResamples), valid 100...100000")
        }
        for (i, c) in counters.enumerated() {
            let f = "counters[\(i)]"
            if c.metric.isTiming { throw bad("\(f).metric", "\(c.metric.rawValue) is a timing: use ratios or complexity") }
            if !sizes.contains(c.size) { throw bad("\(f).size", "\(c.size), valid \(sizes)") }
            if !c.expected.isFinite || c.expected < 0 { throw bad("\(f).expected", "\(c.expected), must be finite and ≥ 0") }
            if !c.tolerance.isFinite || c.tolerance < 0 { throw bad("\(f).tolerance", "\(c.tolerance), must be finite and ≥ 0") }
            if !c.model.isSparse && [.rowsUpdatedPerStep, .distanceEvaluationsPerQuery].contains(c.metric) {
                throw bad("\(f).metric", "\(c.metric.rawValue) needs an index: not for dam")
            }
        }
        for (i, c) in complexity.enumerated() {
            let f = "complexity[\(i)]"
            if Set(c.sizes).count < 4 { throw bad("\(f).sizes", "\(c.sizes): at least 4 distinct sizes are needed") }
            if let s = c.sizes.first(where: { !sizes.contains($0) }) { throw bad("\(f).sizes", "\(s), valid \(sizes)") }
            if !c.maxSlope.isFinite { throw bad("\(f).maxSlope", "\(c.maxSlope), must be finite") }
            if [.rowsUpdatedPerStep, .distanceEvaluationsPerQuery].contains(c.metric) && !c.model.isSparse {
                throw bad("\(f).metric", "\(c.metric.rawValue) needs an index: not for dam")
            }
        }
        for (i, r) in ratios.enumerated() {
            let f = "ratios[\(i)]"
            if !sizes.contains(r.numerator.size) { throw bad("\(f).numerator.size", "\(r.numerator.size), valid \(sizes)") }
            if !sizes.contains(r.denominator.size) { throw bad("\(f).denominator.size", "\(r.denominator.size), valid \(sizes)") }
            if r.numerator == r.denominator { throw bad("\(f).denominator", "the same as the numerator") }
            if !(r.threshold.isFinite && r.threshold > 0) { throw bad("\(f).threshold", "\(r.threshold), must be > 0") }
        }
        for (i, g) in gradients.enumerated() {
            let f = "gradients[\(i)]"
            if g.checks.isEmpty { throw bad("\(f).checks", "empty") }
            if !(1...1000).contains(g.cases) { throw bad("\(f).cases", "\(g.cases), valid 1...1000") }
            if !(1...1000).contains(g.quickCases) { throw bad("\(f).quickCases", "\(g.quickCases), valid 1...1000") }
        }
        if counters.isEmpty && complexity.isEmpty && ratios.isEmpty && gradients.isEmpty {
            throw bad("counters", "the baseline has no checks at all")
        }
    }

    public func encoded() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(self) + Data("\n".utf8)
    }
}

/// A usage or input error of the gate (exit 1).
public enum GateError: Error, CustomStringConvertible, Equatable {
    case baseline(path: String, field: String, problem: String)
    case option(name: String, value: String, valid: String)
    case measurement(String)

    public var description: String {
        switch self {
        case let .baseline(path, field, problem): "baseline \(path): field \(field): \(problem)"
        case let .option(name, value, valid): "--\(name) \(value) is not valid (valid: \(valid))"
        case let .measurement(text): "measurement failed: \(text)"
        }
    }

    static func describe(_ e: DecodingError, path: String) -> GateError {
        func field(_ codingPath: [any CodingKey]) -> String {
            var text = ""
            for key in codingPath {
                if let i = key.intValue { text += "[\(i)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text.isEmpty ? "(top level)" : text
        }
        switch e {
        case let .keyNotFound(key, context):
            let parent = field(context.codingPath)
            return .baseline(path: path, field: parent == "(top level)" ? key.stringValue : "\(parent).\(key.stringValue)",
                             problem: "missing")
        case let .typeMismatch(type, context):
            return .baseline(path: path, field: field(context.codingPath), problem: "wrong type, expected \(type)")
        case let .valueNotFound(type, context):
            return .baseline(path: path, field: field(context.codingPath), problem: "null, expected \(type)")
        case let .dataCorrupted(context):
            return .baseline(path: path, field: field(context.codingPath), problem: context.debugDescription)
        @unknown default:
            return .baseline(path: path, field: "(file)", problem: "\(e)")
        }
    }
}

enum GateFormat {
    /// 16384 → "2^14"; other sizes as decimals.
    static func size(_ n: Int) -> String {
        n > 0 && n & (n - 1) == 0 ? "2^\(n.trailingZeroBitCount)" : "\(n)"
    }
    static func number(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e9 { return String(Int(x)) }
        if abs(x) >= 100 { return String(format: "%.1f", x) }
        if abs(x) >= 0.01 { return String(format: "%.3f", x) }
        return String(format: "%.3g", x)
    }
}
