// The CI regression gate (issue 6): a committed baseline, a short in-run measurement, a yes or no.
import Foundation
import ComplexityFit
import MemoryModels
import Profiling
import Verification

/// How a gate run is made.
public struct GateOptions {
    /// Fewer timed repetitions and fewer verification cases.
    public var quick: Bool
    /// Test-only: a regression to inject into every model the gate builds.
    public var injection: Injection?
    /// Counts allocations of a block; nil skips the allocation counters (reported as skipped).
    public var allocations: AllocationCounter?
    /// False skips the timing checks (ratios and timing slopes), e.g. in debug-build unit tests.
    public var timing: Bool
    /// Only the checks whose name contains one of these comma-separated texts (test-only).
    public var only: String?
    /// Called with a line of progress.
    public var progress: (String) -> Void

    public init(quick: Bool = false, injection: Injection? = nil, allocations: AllocationCounter? = nil,
                timing: Bool = true, only: String? = nil, progress: @escaping (String) -> Void = { _ in }) {
        self.quick = quick
        self.injection = injection
        self.allocations = allocations
        self.timing = timing
        self.only = only
        self.progress = progress
    }
}

/// The verdict of one check.
public enum Verdict: String, Codable, Sendable {
    case holds = "holds"
    case regression = "REGRESSION"
    case skipped = "skipped"
}

/// One row of the gate's table.
public struct CheckOutcome: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case counter, complexity, ratio, gradient }
    public let kind: Kind
    public let name: String
    public let expected: String
    public let measured: String
    public let verdict: Verdict
    /// The measured number `--update` writes back (counters: the value; ratios: the estimate).
    public let value: Double?
}

/// The outcome of a gate run.
public struct GateRun: Sendable {
    public let outcomes: [CheckOutcome]
    public let seconds: Double
    public let injection: Injection?
    public let quick: Bool

    public var regressions: [CheckOutcome] { outcomes.filter { $0.verdict == .regression } }
    public var passed: Bool { regressions.isEmpty }
    /// 0: every check holds; 2: a regression.
    public var exitCode: Int32 { passed ? 0 : 2 }

    /// The plain-text table (check, expected, measured, verdict).
    public var table: String {
        let header = ["check", "expected", "measured", "verdict"]
        let rows = outcomes.map { [$0.name, $0.expected, $0.measured, $0.verdict.rawValue] }
        let widths = (0..<4).map { i in ([header] + rows).map { $0[i].count }.max()! }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        return ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
                + rows.map(line)).joined(separator: "\n")
    }

    public var summary: String {
        let held = outcomes.filter { $0.verdict == .holds }.count
        let skipped = outcomes.filter { $0.verdict == .skipped }.count
        var s = "gate: \(outcomes.count) checks, \(held) hold, \(regressions.count) regressed, \(skipped) skipped"
        s += String(format: " (%.1f s)", seconds)
        if !regressions.isEmpty { s += "\nregressions: " + regressions.map(\.name).joined(separator: "; ") }
        return s
    }

    /// The Markdown summary for CI logs.
    public func markdown(baselinePath: String) -> String {
        var md = "# samkit gate: \(passed ? "PASS" : "REGRESSION")\n\n"
        md += "Baseline `\(baselinePath)`, \(quick ? "--quick" : "full") run"
        if let injection { md += ", **injected regression: `\(injection.rawValue)`** (test-only)" }
        md += String(format: ", %.1f s, %d checks.\n\n", seconds, outcomes.count)
        if !regressions.isEmpty {
            md += "## Regressions\n\n" + regressions.map { "- **\($0.name)**: expected \($0.expected), measured \($0.measured)" }
                .joined(separator: "\n") + "\n\n"
        }
        md += "## Checks\n\n| check | expected | measured | verdict |\n|---|---|---|---|\n"
        for o in outcomes {
            md += "| \(o.name) | \(o.expected) | \(o.measured) | \(o.verdict == .regression ? "**REGRESSION**" : o.verdict.rawValue) |\n"
        }
        md += """

            Counters are exact or compared with a tight absolute tolerance. Timings are compared only as \
            ratios within this run, interleaved over repetitions: a timing check regresses only when the \
            one-sided bootstrap bound of the ratio of medians (or the slope's lower confidence bound) \
            exceeds the threshold.

            """
        return md
    }

    /// The baseline with every counter's expected value and every ratio's last measurement taken
    /// from this run; tolerances, thresholds, slope bounds and gradient checks are kept.
    public func updated(_ baseline: Baseline) -> Baseline {
        var b = baseline
        for i in b.counters.indices {
            if let o = outcomes.first(where: { $0.kind == .counter && $0.name == b.counters[i].name }), let v = o.value {
                b.counters[i].expected = v
            }
        }
        for i in b.ratios.indices {
            if let o = outcomes.first(where: { $0.kind == .ratio && $0.name == b.ratios[i].name }), let v = o.value {
                b.ratios[i].lastMeasured = (v * 1000).rounded() / 1000
            }
        }
        return b
    }
}

/// Runs the gate: counters, growth, timing ratios and gradient checks against a baseline.
public struct GateRunner {
    public let baseline: Baseline
    public let options: GateOptions

    public init(baseline: Baseline, options: GateOptions) {
        self.baseline = baseline
        self.options = options
    }

    private struct Key: Hashable { let model: ProfiledModel; let size: Int }

    private func wanted(_ name: String) -> Bool {
        guard let only = options.only else { return true }
        return only.split(separator: ",").contains { name.contains($0) }
    }

    public func run() throws -> GateRun {
        let start = Clock.monotonic()
        var outcomes: [CheckOutcome] = []
        do {
            outcomes += try counterChecks()
            if options.timing { outcomes += try timingChecks() }
        } catch let e as GateError { throw e } catch {
            throw GateError.measurement("\(error)")
        }
        outcomes += gradientChecks()
        return GateRun(outcomes: outcomes, seconds: Clock.monotonic() - start,
                       injection: options.injection, quick: options.quick)
    }

    // MARK: counters

    private func counterChecks() throws -> [CheckOutcome] {
        var cache: [Key: [GateMetric: Double]] = [:]
        func counters(_ key: Key) throws -> [GateMetric: Double] {
            if let c = cache[key] { return c }
            options.progress("counters: \(key.model.rawValue) at N = \(GateFormat.size(key.size))")
            let instance = try Instance(model: key.model, size: key.size, steps: baseline.timing.steps,
                                        injection: options.injection)
            for _ in 0..<max(1, baseline.timing.warmup) { try instance.segment() }
            let c = try instance.counters(allocations: options.allocations)
            cache[key] = c
            return c
        }
        var outcomes: [CheckOutcome] = []
        for check in baseline.counters where wanted(check.name) {
            let expected = "\(GateFormat.number(check.expected))" + (check.tolerance > 0 ? " ± \(GateFormat.number(check.tolerance))" : " exactly")
            guard let measured = try counters(Key(model: check.model, size: check.size))[check.metric] else {
                outcomes.append(CheckOutcome(kind: .counter, name: check.name, expected: expected,
                                             measured: check.metric == .allocationsPerStep ? "no allocation counter in this build" : "not measurable",
                                             verdict: .skipped, value: nil))
                continue
            }
            let holds = abs(measured - check.expected) <= check.tolerance * (1 + 1e-12)
            outcomes.append(CheckOutcome(kind: .counter, name: check.name, expected: expected,
                                         measured: GateFormat.number(measured), verdict: holds ? .holds : .regression,
                                         value: measured))
        }
        for check in baseline.complexity where !check.metric.isTiming && wanted(check.name) {
            let sizes = check.sizes.sorted()
            let values = try sizes.map { try counters(Key(model: check.model, size: $0))[check.metric] }
            let expected = "\(check.expectedClass.rawValue): slope ≤ \(GateFormat.number(check.maxSlope))"
            guard values.allSatisfy({ $0 != nil }) else {
                outcomes.append(CheckOutcome(kind: .complexity, name: check.name, expected: expected,
                                             measured: "not measurable", verdict: .skipped, value: nil))
                continue
            }
            // Exact counters: the least-squares log-log slope itself, no interval. A zero counter
            // is floored at 1 (so a counter that drops to 0 reads as a falling slope, not a crash).
            let slope = Self.logLogSlope(sizes: sizes, values: values.map { max($0!, 1) })
            let measured = String(format: "slope %.3f (%@ at %@, %@ at %@)", slope,
                                  GateFormat.number(values.first!!), GateFormat.size(sizes.first!),
                                  GateFormat.number(values.last!!), GateFormat.size(sizes.last!))
            outcomes.append(CheckOutcome(kind: .complexity, name: check.name, expected: expected, measured: measured,
                                         verdict: slope <= check.maxSlope ? .holds : .regression, value: slope))
        }
        return outcomes
    }

    static func logLogSlope(sizes: [Int], values: [Double]) -> Double {
        let x = sizes.map { log(Double($0)) }, y = values.map { log($0) }
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        return sxx > 0 ? sxy / sxx : 0
    }

    // MARK: timings

    private func timingChecks() throws -> [CheckOutcome] {
        let ratios = baseline.ratios.filter { wanted($0.name) }
        let slopes = baseline.complexity.filter { $0.metric.isTiming && wanted($0.name) }
        var points: [TimingPoint] = []
        func add(_ p: TimingPoint) { if !points.contains(p) { points.append(p) } }
        for r in ratios { add(r.numerator); add(r.denominator) }
        for s in slopes { for n in s.sizes { add(TimingPoint(model: s.model, size: n)) } }
        guard !points.isEmpty else { return [] }
        let t = baseline.timing
        let repeats = options.quick ? t.quickRepeats : t.repeats
        var instances: [Instance] = []
        for p in points {
            options.progress("timing: building \(p.label)")
            let instance = try Instance(model: p.model, size: p.size, steps: t.steps, injection: options.injection)
            for _ in 0..<max(1, t.warmup) { try instance.segment() }
            instances.append(instance)
        }
        // Interleaved: every round times one segment of every instance, so slow drifts of the
        // machine hit all of them alike. A segment during which this thread ran less than 85% of
        // the wall time was preempted: it is re-run (up to 3 attempts; the least preempted is kept).
        var seconds = Array(repeating: [Double](), count: instances.count)
        for round in 0..<repeats {
            options.progress("timing: round \(round + 1)/\(repeats)")
            for (i, instance) in instances.enumerated() {
                var best = try instance.timedSegment()
                var attempts = 1
                while best.busy < 0.85 && attempts < 3 {
                    let again = try instance.timedSegment()
                    if again.busy > best.busy { best = again }
                    attempts += 1
                }
                seconds[i].append(best.seconds)
            }
        }
        func samples(_ p: TimingPoint) -> [Double] { seconds[points.firstIndex(of: p)!] }
        var outcomes: [CheckOutcome] = []
        for s in slopes {
            let sizes = s.sizes.sorted()
            let expected = "\(s.expectedClass.rawValue): slope ≤ \(GateFormat.number(s.maxSlope))"
            var options = FitOptions()
            options.confidenceLevel = 2 * t.confidence - 1   // a two-sided level whose lower bound is one-sided `confidence`
            do {
                let a = try ComplexityFitter(options: options).analyse(
                    sizes: sizes, replicates: sizes.map { samples(TimingPoint(model: s.model, size: $0)) })
                let measured = String(format: "slope %.3f [%.3f, %.3f], fit %@", a.slope.slope, a.slope.lower,
                                      a.slope.upper, a.selection.chosen.rawValue)
                outcomes.append(CheckOutcome(kind: .complexity, name: s.name, expected: expected, measured: measured,
                                             verdict: a.slope.lower > s.maxSlope ? .regression : .holds,
                                             value: a.slope.slope))
            } catch {
                outcomes.append(CheckOutcome(kind: .complexity, name: s.name, expected: expected,
                                             measured: "fit failed: \(error)", verdict: .skipped, value: nil))
            }
        }
        for (i, r) in ratios.enumerated() {
            let interval = Bootstrap.ratioOfMedians(samples(r.numerator), samples(r.denominator),
                                                    confidence: t.confidence, resamples: t.bootstrapResamples,
                                                    seed: t.seed &+ UInt64(i))
            let measured = String(format: "%@ (%.0f%% bounds %@–%@, %d reps)", GateFormat.number(interval.estimate),
                                  t.confidence * 100, GateFormat.number(interval.lower), GateFormat.number(interval.upper),
                                  repeats)
            outcomes.append(CheckOutcome(kind: .ratio, name: r.name, expected: "≤ \(GateFormat.number(r.threshold))",
                                         measured: measured, verdict: interval.lower > r.threshold ? .regression : .holds,
                                         value: interval.estimate))
        }
        return outcomes
    }

    // MARK: gradients

    private func gradientChecks() -> [CheckOutcome] {
        var outcomes: [CheckOutcome] = []
        let settings = VerificationSettings(fault: options.injection?.gradientFault)
        for g in baseline.gradients {
            let checks = g.checks.filter { wanted(g.name($0)) }
            guard !checks.isEmpty else { continue }
            let cases = options.quick ? g.quickCases : g.cases
            options.progress("gradients: \(g.model.rawValue), \(cases) cases")
            let generator = CaseGenerator(seed: g.seed)
            var results: [CheckKind: [CheckResult]] = [:]
            for number in 0..<cases {
                let c: VerificationCase
                do { c = try generator.makeCase(number, model: g.model) } catch { continue }
                for r in Verifier.run(c, checks: checks, settings: settings) { results[r.check, default: []].append(r) }
            }
            for check in checks {
                let rs = results[check] ?? []
                let failed = rs.filter { !$0.passed }
                var measured = "\(rs.count - failed.count)/\(rs.count) pass"
                if let worst = rs.compactMap(\.worst).max(by: { $0.excess < $1.excess }) {
                    measured += String(format: ", worst error/tolerance %.2g", worst.excess)
                }
                if let first = failed.first { measured += " (first failure: case seed \(first.verificationCase.seed))" }
                outcomes.append(CheckOutcome(kind: .gradient, name: g.name(check), expected: "all \(cases) cases pass",
                                             measured: measured,
                                             verdict: rs.isEmpty ? .skipped : (failed.isEmpty ? .holds : .regression),
                                             value: nil))
            }
        }
        return outcomes
    }
}
