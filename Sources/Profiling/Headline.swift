import ComplexityFit
import Foundation
import NearestNeighbours

/// Whether a headline target was met in this run (a time target: in every round, `RoundVerdict`).
public enum HeadlineStatus: String, Codable, Sendable {
    case met
    case notMet = "not met"
    case inconclusive
    /// A figure shown beside the paper's, with no target of its own.
    case noTarget = "—"

    /// A target made of several parts (one per (model, N)) that must all be met: not met when some
    /// part is not met, met when every part is, inconclusive otherwise (and with no parts).
    public static func all(_ parts: [HeadlineStatus]) -> HeadlineStatus {
        parts.contains(.notMet) ? .notMet : !parts.isEmpty && parts.allSatisfy { $0 == .met } ? .met : .inconclusive
    }
}

/// One row's measurement: the value in words and whether it meets the target.
public struct HeadlineValue: Sendable, Equatable {
    /// The measured value as shown in the table.
    public let value: String
    /// Whether the value meets the row's target.
    public let status: HeadlineStatus
    /// A value in words and its status.
    public init(_ value: String, _ status: HeadlineStatus) {
        self.value = value
        self.status = status
    }
}

/// One target of issue 14: what it measures, the target, the paper's figure, and how to read the
/// value from a report (nil: not in this run). Adding a row is adding one entry to `Headline.rows`.
public struct HeadlineRow: Sendable {
    /// The target's number in issue 14 (the table's "#" column).
    public let item: String
    /// What is measured, in words.
    public let what: String
    /// The target the measurement is judged against.
    public let target: String
    /// The paper's figure for the same quantity ("—" when it has none).
    public let paper: String
    /// Reads this row's value from a report; nil when the report lacks it (shown as `Headline.notMeasured`).
    public let measure: @Sendable (ScalingReport) -> HeadlineValue?

    /// A row; `paper` defaults to "—" (no figure in the paper).
    public init(_ item: String, _ what: String, target: String, paper: String = "—",
                measure: @escaping @Sendable (ScalingReport) -> HeadlineValue?) {
        self.item = item
        self.what = what
        self.target = target
        self.paper = paper
        self.measure = measure
    }
}

/// The Headline table at the top of `scaling.md`: each target of issue 14, the value measured in
/// this run, met or not, and the paper's figure beside it (`PaperFigures`).
public enum Headline {
    /// The table's text for a row whose value is not in the report.
    public static let notMeasured = "not measured in this run"
    static let n20 = 1 << 20, n10 = 1 << 10
    static let kib = 1024.0, mib = 1024.0 * 1024, gib = 1024.0 * 1024 * 1024

    /// The markdown table (heading, note and one line per entry of `rows`), its values read from `report`.
    public static func render(_ report: ScalingReport, rows: [HeadlineRow] = rows) -> String {
        var md = "## Headline: the targets of issue 14, measured in this run\n\n"
        md += "Single-threaded Float, W = 32, R = 4, K = 4, H = 100. The paper's figures are \(PaperFigures.citation)'s (SPEC \"Figures from the paper\"), "
        md += "not measurements of ours. Times depend on the machine's load (see the quiet check below); byte counts and resident memory do not. "
        md += "A time target is judged in every round of the sweep, not on a pooled figure (`RoundVerdict`): each (model, N) ran once per round, "
        md += "so a ratio is formed within a round; met when every round meets the target, not met when none does, inconclusive when the rounds disagree. "
        md += "A ratio target (an episode over another size's, SAM over the controller, DAM over SAM) is judged on each side's time over its paired "
        md += "reference where the workers measured one: the bare controller, timed milliseconds after each segment in the same process (`Driver`), "
        md += "so that the machine's speed, which changes over seconds to minutes, cancels.\n\n"
        md += "| # | what | measured in this run | target | status | the paper |\n|---|---|---|---|---|---|\n"
        for row in rows {
            let v = row.measure(report)
            let status = v.map { $0.status == .notMet ? "**not met**" : $0.status.rawValue } ?? "—"
            md += "| \(row.item) | \(row.what) | \(v?.value ?? notMeasured) | \(row.target) | \(status) | \(row.paper) |\n"
        }
        md += "\n"
        if let calibration = RoundRuleCalibration.measure(report.measurements) { md += calibration.render() }
        if let calibration = RoundRuleCalibration.measurePaired(report.measurements) { md += calibration.render() }
        return md
    }

    // MARK: - Reading a report

    static func measurement(_ r: ScalingReport, _ model: ProfiledModel, _ n: Int) -> SizeMeasurement? {
        r.measurements.measurements(of: model).first { $0.size == n }
    }

    static func status(_ ok: Bool, noisy: Bool = false) -> HeadlineStatus { noisy ? .inconclusive : ok ? .met : .notMet }

    /// A time target's status: inconclusive when a measurement is noisy, else the round rule (`RoundVerdict`).
    static func status(_ rounds: RoundVerdict, noisy: Bool, meets: (Double) -> Bool) -> HeadlineStatus {
        noisy ? .inconclusive : rounds.status(meets: meets)
    }

    /// A ratio target's rounds: formed against each segment's paired reference (`Driver`) when both
    /// sides have references, else from the raw times; the text shows both, and which one is judged.
    static func ratioRounds(raw: RoundVerdict?, paired: RoundVerdict?) -> (judged: RoundVerdict, text: String) {
        let raw = raw ?? RoundVerdict([])
        guard let paired, !paired.rounds.isEmpty else { return (raw, raw.text(times)) }
        return (paired, "\(raw.text(times)); against the paired reference (judged): \(paired.rounds.map(times).joined(separator: ", "))")
    }

    static func time(_ s: Double) -> String { NumberFormat.seconds(s) }
    static func bytes(_ b: Double) -> String { NumberFormat.bytes(b) }
    /// "1.23×", "26.5×", "3718×".
    static func times(_ x: Double) -> String { x >= 1_000 ? String(format: "%.0f×", x) : "\(NumberFormat.significant(x, 3))×" }

    /// One episode of the sweep's T steps (forward, backward) and its reset, in seconds.
    static func episodeSeconds(_ m: SizeMeasurement) -> Double? {
        guard let reset = m.resetSeconds, !reset.isEmpty else { return nil }
        return Double(m.steps) * Statistics.median(m.stepSeconds) + Statistics.median(reset)
    }

    /// The over-steps series of SAM with the k-d forest, if measured.
    static func samOverSteps(_ r: ScalingReport) -> OverStepsSeries? { r.overSteps?.series(.samKDTree) }

    // MARK: - The rows

    /// SAM's two k-d forests, each judged on its own row: FLANN's (the paper's, K1) and the compact
    /// forest of flat arrays (K2). A target is met by a forest, never by mixing the two.
    static let kdForests: [ProfiledModel] = ProfiledModel.allCases.filter {
        $0.family.name == ModelKind.sam.rawValue && [IndexKind.kdtree, .kdtreeCompact].contains($0.index)
    }

    /// Target 1's episode ratio for one k-d forest.
    static func episodeRow(_ model: ProfiledModel) -> HeadlineRow {
        HeadlineRow("1", "\(model.label): an episode (T steps forward + backward, then the reset) at N = 2^20 ÷ at 2^10",
                    target: "≤ 1.5×") { r in
            guard let a = measurement(r, model, n20), let b = measurement(r, model, n10),
                  let ea = episodeSeconds(a), let eb = episodeSeconds(b) else { return nil }
            let rounds = ratioRounds(raw: a.roundEpisodeSeconds.divided(by: b.roundEpisodeSeconds),
                                     paired: a.roundReferencedEpisode.divided(by: b.roundReferencedEpisode))
            return HeadlineValue("\(times(ea / eb)) (\(time(ea)) ÷ \(time(eb)), T = \(a.steps)); \(rounds.text)",
                                 status(rounds.judged, noisy: a.isNoisy || b.isNoisy) { $0 <= 1.5 })
        }
    }

    /// Target 1's reset time and class for one k-d forest.
    static func resetRow(_ model: ProfiledModel) -> HeadlineRow {
        HeadlineRow("1", "\(model.label): episode reset (`reset-time`) at N = 2^20, and its class over N",
                    target: "O(rows touched): the R1 claim, O(log N)") { r in
            guard let m = measurement(r, model, n20), let reset = m.resetSeconds, !reset.isEmpty,
                  let claim = r.claims.first(where: { $0.model == model && $0.metric == .resetTime }) else { return nil }
            let s: HeadlineStatus = switch claim.outcome { case .confirmed: .met; case .contradicted: .notMet; case .inconclusive: .inconclusive }
            return HeadlineValue("\(time(Statistics.median(reset))) after T = \(m.steps) steps; fit \(claim.chosen.map { "\($0)" } ?? "none"), claim \(claim.outcome.rawValue)", s)
        }
    }

    /// Target 2's step time for one k-d forest.
    static func stepRow(_ model: ProfiledModel) -> HeadlineRow {
        HeadlineRow("2", "\(model.label): forward + backward time per step at N = 2^20", target: "≤ 0.25 ms",
                    paper: "\(time(PaperFigures.samStepSeconds)) per step of a minibatch of \(PaperFigures.minibatch) (≈ \(time(PaperFigures.samStepSeconds / Double(PaperFigures.minibatch))) per sequence), N = 10^6") { r in
            guard let m = measurement(r, model, n20) else { return nil }
            let t = Statistics.median(m.stepSeconds), rounds = m.roundStepSeconds
            return HeadlineValue(time(t) + (m.isNoisy ? " (noisy)" : "") + "; \(rounds.text(time))",
                                 status(rounds, noisy: m.isNoisy) { $0 <= 0.25e-3 })
        }
    }

    /// Target 4's peak resident memory for one k-d forest.
    static func residentRow(_ model: ProfiledModel) -> HeadlineRow {
        HeadlineRow("4", "\(model.label): peak resident memory at N = 2^20", target: "≤ 450 MiB") { r in
            guard let m = measurement(r, model, n20), let peak = m.peakResidentBytes else { return nil }
            return HeadlineValue(bytes(Double(peak)), status(Double(peak) <= 450 * mib))
        }
    }

    /// Target 5's DAM ÷ SAM ratio for one k-d forest.
    static func denseRatioRow(_ model: ProfiledModel) -> HeadlineRow {
        HeadlineRow("5", "DAM ÷ \(model.label), time per step at N = 2^20, one run", target: "≥ 1,600×",
                    paper: "\(times(PaperFigures.speedup)) (NTM \(time(PaperFigures.ntmStepSeconds)) ÷ SAM \(time(PaperFigures.samStepSeconds)), N = 10^6)") { r in
            guard let ratio = r.ratios.first(where: { $0.size == n20 && $0.sparse == model }),
                  let dam = measurement(r, .dam, n20), let sam = measurement(r, model, n20) else { return nil }
            let rounds = ratioRounds(raw: dam.roundStepSeconds.divided(by: sam.roundStepSeconds),
                                     paired: dam.roundReferencedStep.divided(by: sam.roundReferencedStep))
            return HeadlineValue("\(times(ratio.ratio)); \(rounds.text)",
                                 status(rounds.judged, noisy: dam.isNoisy || sam.isNoisy) { $0 >= 1_600 })
        }
    }

    /// The targets of issue 14, in table order.
    public static let rows: [HeadlineRow] = kdForests.map(episodeRow) + kdForests.map(resetRow) + kdForests.map(stepRow) + [
        HeadlineRow("2", "SAM with a sublinear index ÷ the bare controller (`controller`), time per step, worst N ≤ 2^20",
                    target: "≤ 1.5× at every N") { r in
            // Fills in once the `controller` model is profiled.
            guard let controller = ProfiledModel(rawValue: "controller") else { return nil }
            let base = r.measurements.measurements(of: controller)
            var worst: (ratio: Double, model: ProfiledModel, n: Int, rounds: String)? = nil
            var noisy = false, statuses: [HeadlineStatus] = []
            // SAM's sublinear indexes: not the exact scan (E1, O(N)) and not LSH (claimed O(N), L1); not the SDNC.
            for model in ProfiledModel.allCases
            where model.isSparse && model.temporalLinks == nil && ![.exact, .lsh].contains(model.index) && model != controller {
                for m in r.measurements.measurements(of: model) where m.size <= n20 {
                    guard let c = base.first(where: { $0.size == m.size }) else { continue }
                    let ratio = Statistics.median(m.stepSeconds) / Statistics.median(c.stepSeconds)
                    // The paired reference is the bare controller itself, so the paired rounds are the ratio.
                    let rounds = ratioRounds(raw: m.roundStepSeconds.divided(by: c.roundStepSeconds), paired: m.roundReferencedStep)
                    noisy = noisy || m.isNoisy || c.isNoisy
                    statuses.append(rounds.judged.status { $0 <= 1.5 })
                    if ratio > (worst?.ratio ?? -1) { worst = (ratio, model, m.size, rounds.text) }
                }
            }
            guard let worst else { return nil }
            // Met only when every (model, N) met it in every round; not met when some (model, N) missed it in every round.
            let s: HeadlineStatus = noisy ? .inconclusive : .all(statuses)
            return HeadlineValue("\(times(worst.ratio)) (\(worst.model.label), N = \(worst.n); \(worst.rounds))", s)
        },
        // Each worker counts its timed segments' allocations (samkit's counter); a (model, N)'s steady state
        // is its least segment. Nil when no measurement was counted (files written before it was).
        HeadlineRow("3", "heap allocations per steady-state step, every model and index", target: "0") { r in
            let counted = r.measurements.measurements.compactMap { m in m.steadyAllocationsPerStep.map { (m, $0) } }
            guard let worst = counted.max(by: { $0.1 < $1.1 }) else { return nil }
            let models = Set(counted.map(\.0.model)).count, uncounted = r.measurements.measurements.count - counted.count
            let scope = "\(counted.count) (model, N) pairs of \(models) models" + (uncounted > 0 ? "; \(uncounted) not counted" : "")
            if worst.1 == 0 { return HeadlineValue("0 at every one of \(scope)", uncounted > 0 ? .inconclusive : .met) }
            let nonzero = Set(counted.filter { $0.1 > 0 }.map(\.0.model.label)).sorted().joined(separator: ", ")
            return HeadlineValue("\(NumberFormat.significant(worst.1, 3)) (\(worst.0.model.label), N = \(worst.0.size)); above 0: \(nonzero) (\(scope))", .notMet)
        },
    ] + kdForests.map(residentRow) + [
        // DAM's achieved rate against sgemm on its shapes, at the largest N whose worker measured the roofline.
        HeadlineRow("5", "DAM's rate ÷ the single-thread BLAS rate for the same shapes", target: "≥ 50%") { r in
            guard let m = r.measurements.measurements(of: .dam).last(where: { $0.roofline != nil }),
                  let roofline = m.roofline else { return nil }
            let achieved = roofline.achievedGFLOPS(stepSeconds: Statistics.median(m.stepSeconds))
            let share = achieved / roofline.gemmGFLOPS
            // Each round's DAM step against the fastest BLAS rate the workers measured (one rate per (model, N)).
            let rounds = RoundVerdict(m.roundStepSeconds.rounds.map { roofline.achievedGFLOPS(stepSeconds: $0) / roofline.gemmGFLOPS })
            return HeadlineValue("\(String(format: "%.0f", 100 * share))% (\(String(format: "%.2f", achieved)) of \(String(format: "%.2f", roofline.gemmGFLOPS)) GFLOP/s, N = \(m.size); \(rounds.text { String(format: "%.0f%%", 100 * $0) }))",
                                 status(rounds, noisy: m.isNoisy) { $0 >= 0.5 })
        },
        HeadlineRow("5", "DAM: the largest N measured", target: "2^20") { r in
            guard let n = r.measurements.measurements(of: .dam).map(\.size).max() else { return nil }
            return HeadlineValue("N = \(n)", status(n >= n20))
        },
    ] + kdForests.map(denseRatioRow) + [
        HeadlineRow("6", "SAM (k-d forest) at N = 2^20: peak-RSS growth per step, fitted against T",
                    target: "≤ 10 KiB per step, linear in T",
                    paper: "SAM \(bytes(PaperFigures.samMemoryBytes)) over \(PaperFigures.memorySteps) steps (≈ \(bytes(PaperFigures.samMemoryBytes / Double(PaperFigures.memorySteps))) per step), N = \(PaperFigures.memoryWords)") { r in
            guard let s = samOverSteps(r), let fit = s.fit, let b = fit.growthPerStep else { return nil }
            let range = "T = \(s.plan.steps.first!)…\(s.plan.steps.last!)"
            let value = "\(bytes(b.value)) ± \(bytes(b.standardError)) per step (N = \(s.plan.size), \(range); linear in T: \(fit.linearVerdict.outcome.rawValue))"
            if s.plan.size != n20 { return HeadlineValue(value, .inconclusive) }
            if b.value > 10 * kib || fit.linearVerdict.outcome == .contradicted { return HeadlineValue(value, .notMet) }
            return HeadlineValue(value, fit.linearVerdict.outcome == .confirmed ? .met : .inconclusive)
        },
        HeadlineRow("6", "SAM (k-d forest) at N = 2^20: peak resident memory of the 100,000-step run", target: "< 2 GiB") { r in
            guard let s = samOverSteps(r), s.plan.size == n20, let p = s.point(steps: 100_000) else { return nil }
            return HeadlineValue(bytes(Double(p.peakResidentBytes)), status(Double(p.peakResidentBytes) < 2 * gib))
        },
        HeadlineRow("6", "DAM: memory over 100 steps (peak above the built model)", target: "no target: beside the paper",
                    paper: "NTM \(bytes(PaperFigures.ntmMemoryBytes)), N = \(PaperFigures.memoryWords)") { r in
            guard let s = r.overSteps?.series(.dam), let p = s.point(steps: PaperFigures.memorySteps) else { return nil }
            return HeadlineValue("\(bytes(Double(p.growthBytes))) (N = \(s.plan.size))", .noTarget)
        },
        HeadlineRow("6", "dense ÷ sparse memory over 100 steps", target: "no target: beside the paper",
                    paper: "\(times(PaperFigures.ntmMemoryBytes / PaperFigures.samMemoryBytes)) (NTM \(bytes(PaperFigures.ntmMemoryBytes)) ÷ SAM \(bytes(PaperFigures.samMemoryBytes)))") { r in
            guard let d = r.overSteps?.series(.dam)?.point(steps: PaperFigures.memorySteps),
                  let s = samOverSteps(r)?.point(steps: PaperFigures.memorySteps), s.growthBytes > 0 else { return nil }
            return HeadlineValue(times(Double(d.growthBytes) / Double(s.growthBytes)), .noTarget)
        },
        // Read from index-frontier.json (`samkit index-bench --frontier`, its own run), not this sweep.
        HeadlineRow("7", "an index with recall@4 ≥ 0.9 on SAM-written memory at N = 2^20 (from index-frontier.json, `make frontier`)",
                    target: "≤ 1 ms per step (query + update)") { r in
            guard let f = r.frontier,
                  let o = f.operatingPoint(workload: FrontierRecord.targetWorkload, recall: FrontierRecord.targetRecall,
                                           seconds: FrontierRecord.targetSeconds) else { return nil }
            func point(_ p: IndexFrontier.Point) -> String {
                "\(p.setting.kind) (\(p.setting.label)): recall@4 \(String(format: "%.3f", p.recall)) in \(time(p.secondsPerStep))"
            }
            var value = o.reached.map(point) ?? o.bestWithinTime.map { "none; best within 1 ms: " + point($0) }
                ?? "none; no setting ran within 1 ms per step"
            value += " (N = \(o.rows), frontier run at \(f.gitCommit))"
            // Judged only when the frontier measured N = 2^20 with the sources this report was built from.
            guard o.rows == n20, f.sourcesHash == r.measurements.machine.sourcesHash else {
                return HeadlineValue(value + (o.rows == n20 ? "; other sources than this report's: rerun `make frontier`" : ""), .inconclusive)
            }
            return HeadlineValue(value, o.reached != nil ? .met : .notMet)
        },
    ]
}
