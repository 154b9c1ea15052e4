import Foundation
import MemoryModels
import NearestNeighbours
import OutputFiles
import Profiling
import SAMNumerics
import Verification

/// The machine a baseline was measured on. A run on another machine says so, and its timings are
/// judged only through the calibration-normalised rule (`StepTimeCheck`) and in-run ratios.
public struct GateMachine: Codable, Sendable, Equatable {
    public var cpuModel: String
    public var logicalCPUs: Int
    /// The threads OpenBLAS uses in the run (`BLASThreads.count`; samkit sets 1).
    public var blasThreads: String
    /// The BLAS library mapped into the process (file name).
    public var blas: String
    public var buildConfiguration: String

    public static func current() -> GateMachine {
        // The thread count OpenBLAS will use (samkit sets 1 at start, whatever OPENBLAS_NUM_THREADS says).
        let info = MachineInfo.current(openBLASThreads: String(BLASThreads.count))
        // /proc files report size 0, so read to the end rather than by size.
        let maps = FileHandle(forReadingAtPath: "/proc/self/maps").map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? ""
        let libraries = Set(maps.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) })
            .filter { $0.hasPrefix("/") }.map { String($0.split(separator: "/").last!) }
        // The model's BLAS (OpenBLAS) before GSL's own CBLAS.
        let blas = libraries.filter { $0.contains("openblas") }.min() ?? libraries.filter { $0.contains("blas") }.min() ?? "unknown"
        return GateMachine(cpuModel: info.cpuModel, logicalCPUs: info.logicalCPUs, blasThreads: info.openBLASThreads,
                           blas: blas, buildConfiguration: info.buildConfiguration)
    }

    /// Whether timings measured on `other` are comparable with this machine's.
    public func sameMachine(as other: GateMachine) -> Bool {
        cpuModel == other.cpuModel && logicalCPUs == other.logicalCPUs && blasThreads == other.blasThreads
            && blas == other.blas && buildConfiguration == other.buildConfiguration
    }
}

/// `reports/baseline.json`: everything the gate compares a run with (format version 2).
public struct Baseline: Codable, Sendable, Equatable {
    public static let formatName = "samkit-gate-baseline"
    public static let currentVersion = 2
    public var format: String
    public var version: Int
    public var notes: [String]
    /// Where the timings were measured (nil in a template never measured).
    public var machine: GateMachine?
    public var timing: TimingSettings
    public var counters: [CounterCheck]
    public var complexity: [ComplexityCheck]
    public var work: [WorkCheck]
    public var ratios: [RatioCheck]
    public var stepTimes: [StepTimeCheck]
    public var memory: [MemoryCheck]
    public var gradients: [GradientCheck]
    public var acceptedRegressions: [AcceptedRegression]

    /// Reads and validates a baseline.
    /// - Throws: `GateError.baseline` naming the file and the field.
    public static func load(path: String) throws -> Baseline {
        guard FileManager.default.fileExists(atPath: path) else {
            throw GateError.baseline(path: path, field: "(file)", problem: "no such file (create one with samkit gate --init)")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw GateError.baseline(path: path, field: "(file)", problem: "unreadable: \(error.localizedDescription)")
        }
        return try decode(data, path: path)
    }

    /// The enumerations a baseline holds, for naming the valid values of a bad one.
    static let acceptedValues = InputErrorText.accepted(ProfiledModel.self, GateMetric.self, CheckKind.self, ModelKind.self,
                                                        IndexKind.self, CaseRanges.MemoryChoice.self, LossKind.self)

    public static func decode(_ data: Data, path: String = "baseline") throws -> Baseline {
        let b: Baseline
        do { b = try JSONDecoder().decode(Baseline.self, from: data) } catch let e as DecodingError {
            throw GateError.describe(e, path: path, input: data)
        } catch {
            throw GateError.baseline(path: path, field: "(file)", problem: "\(error)")
        }
        try b.validate(path: path)
        return b
    }

    /// Semantic checks, each naming its field, its value and the valid range.
    public func validate(path: String = "baseline") throws {
        func bad(_ field: String, _ problem: String) -> GateError { .baseline(path: path, field: field, problem: problem) }
        func size(_ n: Int, _ field: String) throws {
            if !SweepPlan.sizeRange.contains(n) { throw bad(field, "\(n), valid \(SweepPlan.sizeRange)") }
        }
        func fraction(_ x: Double, _ field: String, _ valid: ClosedRange<Double> = 0...10) throws {
            if !(x.isFinite && valid.contains(x)) { throw bad(field, "\(x), valid \(valid)") }
        }
        if format != Self.formatName { throw bad("format", "\"\(format)\", expected \"\(Self.formatName)\"") }
        if version != Self.currentVersion { throw bad("version", "\(version), expected \(Self.currentVersion)") }
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
            try size(c.size, "\(f).size")
            if !c.expected.isFinite || c.expected < 0 { throw bad("\(f).expected", "\(c.expected), must be finite and ≥ 0") }
            if !c.tolerance.isFinite || c.tolerance < 0 { throw bad("\(f).tolerance", "\(c.tolerance), must be finite and ≥ 0") }
        }
        for (i, c) in complexity.enumerated() {
            let f = "complexity[\(i)]"
            if Set(c.sizes).count < 4 { throw bad("\(f).sizes", "\(c.sizes): at least 4 distinct sizes are needed") }
            for n in c.sizes { try size(n, "\(f).sizes") }
            if !c.maxSlope.isFinite || c.maxSlope < 0 {
                throw bad("\(f).maxSlope", "\(c.maxSlope), must be finite and >= 0 (a bound on the growth of a log-log slope)")
            }
        }
        for (i, w) in work.enumerated() {
            let f = "work[\(i)]"
            if !w.model.isSparse {
                let sparse = ProfiledModel.allCases.filter(\.isSparse).map(\.rawValue).joined(separator: ", ")
                throw bad("\(f).model", "\(w.model.rawValue): work counters are the sparse models' (valid: \(sparse))")
            }
            try size(w.size, "\(f).size")
            if w.compareSizes.isEmpty { throw bad("\(f).compareSizes", "empty, at least one size") }
            for n in w.compareSizes { try size(n, "\(f).compareSizes") }
            if let (k, v) = w.perStep.first(where: { !$0.value.isFinite || $0.value < 0 }) {
                throw bad("\(f).perStep.\(k)", "\(v), must be finite and ≥ 0")
            }
            if let (k, v) = w.growthFields?.first(where: { !$0.value.isFinite || $0.value < 0 }) {
                throw bad("\(f).growthFields.\(k)", "\(v), must be finite and ≥ 0 (a bound on a log-log slope)")
            }
            if let growth = w.growthFields, !growth.isEmpty, Set([w.size] + w.compareSizes).count < 2 {
                throw bad("\(f).compareSizes", "\(w.compareSizes): a growth field needs at least 2 distinct sizes")
            }
        }
        func spreadRuns(_ runs: Int?, _ f: String) throws {
            if let runs, !(2...10_000).contains(runs) { throw bad("\(f).betweenRunSpreadRuns", "\(runs), valid 2...10000") }
        }
        for (i, r) in ratios.enumerated() {
            let f = "ratios[\(i)]"
            try size(r.numerator.size, "\(f).numerator.size")
            try size(r.denominator.size, "\(f).denominator.size")
            if r.numerator == r.denominator { throw bad("\(f).denominator", "the same as the numerator") }
            if !(r.threshold.isFinite && r.threshold > 0) { throw bad("\(f).threshold", "\(r.threshold), must be > 0") }
            if let k = r.thresholdFactor { try fraction(k, "\(f).thresholdFactor", 1...10) }
            try spreadRuns(r.betweenRunSpreadRuns, f)
        }
        for (i, s) in stepTimes.enumerated() {
            let f = "stepTimes[\(i)]"
            try size(s.point.size, "\(f).point.size")
            if !(s.normalised.isFinite && s.normalised >= 0) { throw bad("\(f).normalised", "\(s.normalised), must be ≥ 0") }
            try fraction(s.tolerance, "\(f).tolerance", 0.001...10)
            try fraction(s.measuredSpread, "\(f).measuredSpread")
            try spreadRuns(s.betweenRunSpreadRuns, f)
        }
        for (i, m) in memory.enumerated() {
            let f = "memory[\(i)]"
            try size(m.size, "\(f).size")
            if !(1...100_000).contains(m.shortSteps) { throw bad("\(f).shortSteps", "\(m.shortSteps), valid 1...100000") }
            if !(m.shortSteps + 1...100_000).contains(m.longSteps) {
                throw bad("\(f).longSteps", "\(m.longSteps), valid \(m.shortSteps + 1)...100000")
            }
            if !(m.peakBytes.isFinite && m.peakBytes >= 0) { throw bad("\(f).peakBytes", "\(m.peakBytes), must be ≥ 0") }
            try fraction(m.peakTolerance, "\(f).peakTolerance")
            try fraction(m.growthBound, "\(f).growthBound", 0.01...100)
        }
        for (i, g) in gradients.enumerated() {
            let f = "gradients[\(i)]"
            if g.checks.isEmpty { throw bad("\(f).checks", "empty") }
            if !(1...1000).contains(g.cases) { throw bad("\(f).cases", "\(g.cases), valid 1...1000") }
            if !(1...1000).contains(g.quickCases) { throw bad("\(f).quickCases", "\(g.quickCases), valid 1...1000") }
        }
        if counters.isEmpty && complexity.isEmpty && work.isEmpty && ratios.isEmpty && stepTimes.isEmpty
            && memory.isEmpty && gradients.isEmpty {
            throw bad("counters", "the baseline has no checks at all")
        }
    }

    public func encoded() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(self) + Data("\n".utf8)
    }
}
