import CGSL
import Foundation
import Profiling

/// How a normalised step time is judged against the baseline (README "The CI gate", "The timing rule").
///
/// Round r times the calibration workload C_r and then one segment of every model; x_r = t_r / C_r.
/// The run's estimate is the median of x_r, and its one-sided lower bound L the bootstrap bound over
/// rounds resampled whole. The baseline stores the median x̄ of its own run and the relative spread
/// s = 1.4826 MAD(x)/median(x) of its rounds. The run regresses when L > x̄ (1 + tolerance) with
///
///     tolerance = floor + z · 1.2533 · s / √rounds
///
/// where 1.2533 s/√n is the standard error of a median of n normal draws with relative spread s
/// (the baseline's own sampling error, which L does not see), z = 2.33 (one-sided 99%), and `floor`
/// (5%) covers what differs between two processes and not between two rounds of one (memory
/// layout, frequency state). The floor is an assumption that `samkit gate --power`'s clean passes
/// test: 0 false alarms in 20 clean runs is its evidence; the 30% controller slowdown (whose
/// measured size the power report prints) is the power it must keep.
///
/// That floor did not hold: 6 of 20 clean passes exceeded the 2^20/2^12 growth threshold (+15%) and
/// one normalised step time drifted +17.3%. Between two runs the figures move far more than within
/// one. So a check whose between-run spread s_b has been measured (`betweenRunSpread`, the relative
/// standard deviation of a run's median over the clean passes of `gate --power --record-spread`) is
/// judged on the run's estimate against baseline × (1 + `betweenRunTolerance(s_b)`)
/// (Proofs/gate-timing.md derives it).
public enum TimingRule {
    public static let floor = 0.05
    public static let z = 2.33
    /// One-sided normal quantile of a 10⁻³ false-alarm rate per check: a clean run makes 5 timing
    /// checks, so 20 clean runs make 100 and P(any false alarm) ≤ 100 × 10⁻³ = 10%.
    public static let familyZ = 3.09

    public static func tolerance(spread: Double, rounds: Int) -> Double {
        floor + z * 1.2533 * spread / Double(max(rounds, 1)).squareRoot()
    }

    /// The false-alarm rate per timing check the between-run rule allows (10⁻³; `familyZ` is its
    /// normal quantile).
    public static let falseAlarmRate = 1e-3

    /// Relative tolerance for a figure with between-run spread s_b: the baseline is one run and the
    /// gate another, so their log-difference has standard deviation √2 · s_b. With s_b estimated
    /// from `runs` separate runs (`gate --record-spread`), (ln x − ln x̄) / (√2 · s_b) is Student's t
    /// with runs − 1 degrees of freedom, so the quantile is t_{runs−1}(1 − 10⁻³) in place of z = 3.09
    /// (Proofs/gate-timing.md); nil runs (a spread from one process's passes) keeps z.
    public static func betweenRunTolerance(spread: Double, runs: Int? = nil) -> Double {
        quantile(runs: runs) * 2.0.squareRoot() * spread
    }

    /// z = 3.09, or t_{runs−1}(1 − 10⁻³) (`gsl_cdf_tdist_Pinv`) for a spread estimated from `runs` ≥ 2 runs.
    public static func quantile(runs: Int?) -> Double {
        guard let runs, runs >= 2 else { return familyZ }
        return gsl_cdf_tdist_Pinv(1 - falseAlarmRate, Double(runs - 1))
    }
}

extension GateRunner {
    func timingChecks() throws -> [CheckOutcome] {
        let ratios = baseline.ratios.filter { options.wanted($0.name) }
        let stepTimes = baseline.stepTimes.filter { options.wanted($0.name) }
        var points: [TimingPoint] = []
        func add(_ p: TimingPoint) { if !points.contains(p) { points.append(p) } }
        for r in ratios { add(r.numerator); add(r.denominator) }
        for s in stepTimes { add(s.point) }
        guard !points.isEmpty else { return [] }
        let t = baseline.timing
        let rounds = options.quick ? t.quickRepeats : t.repeats
        let instances = try points.map { try pool.instance($0.model, $0.size) }
        // Every run times the same history, whatever this process ran before (`Instance.restart`):
        // the baseline's spread s_b was measured over separate processes, each timing fresh models.
        for (p, instance) in zip(points, instances) {
            options.progress("timing: restarting \(p.model.rawValue) at N = \(GateFormat.size(p.size))")
            try instance.restart(warmup: t.warmup)
        }
        let calibration = Calibration()
        _ = calibration.time()
        // Interleaved: every round times the calibration and one segment of every instance, so slow
        // drifts of the machine hit all of them alike and each round gives paired figures. A segment
        // during which this thread ran less than 85% of the wall time was preempted: it is re-run
        // (up to 3 attempts; the least preempted is kept).
        var seconds = Array(repeating: [Double](), count: instances.count)
        var calibrationSeconds: [Double] = []
        for round in 0..<rounds {
            options.progress("timing: round \(round + 1)/\(rounds)")
            calibrationSeconds.append(calibration.time())
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
        for (i, r) in ratios.enumerated() {
            let interval = Bootstrap.pairedRatio(samples(r.numerator), samples(r.denominator), confidence: t.confidence,
                                                 resamples: t.bootstrapResamples, seed: t.seed &+ UInt64(i))
            let measured = String(format: "%@ (%.0f%% bounds %@–%@, %d paired rounds)", GateFormat.number(interval.estimate),
                                  t.confidence * 100, GateFormat.number(interval.lower), GateFormat.number(interval.upper), rounds)
            var expected = "≤ \(GateFormat.number(r.threshold))"
            // With a measured between-run spread the run's estimate is judged (the spread already holds
            // the run's own sampling error); otherwise the within-run lower bound.
            var judged = interval.lower
            if let sb = r.betweenRunSpread, r.thresholdFactor != nil, let last = r.lastMeasured {
                expected += String(format: " (%@ × (1 + %.1f%%), between-run spread %.1f%%)", GateFormat.number(last),
                                   TimingRule.betweenRunTolerance(spread: sb, runs: r.betweenRunSpreadRuns) * 100, sb * 100)
                judged = interval.estimate
            } else if let k = r.thresholdFactor, let last = r.lastMeasured {
                expected += " (\(GateFormat.number(last)) × \(GateFormat.number(k)))"
            }
            outcomes.append(CheckOutcome(kind: .ratio, name: r.name, expected: expected, measured: measured,
                                         verdict: judged > r.threshold ? .regression : .holds, value: interval.estimate))
        }
        for (i, s) in stepTimes.enumerated() {
            let x = samples(s.point)
            let interval = Bootstrap.pairedRatio(x, calibrationSeconds, confidence: t.confidence,
                                                 resamples: t.bootstrapResamples, seed: t.seed &+ 1000 &+ UInt64(i))
            let spread = Bootstrap.relativeSpread(zip(x, calibrationSeconds).map { $0 / $1 })
            let tolerance = s.betweenRunSpread.map {
                max(s.tolerance, TimingRule.betweenRunTolerance(spread: $0, runs: s.betweenRunSpreadRuns))
            } ?? s.tolerance
            let limit = s.normalised * (1 + tolerance)
            let judged = s.betweenRunSpread == nil ? interval.lower : interval.estimate
            let change = s.normalised > 0 ? String(format: "%+.1f%% vs baseline", (interval.estimate / s.normalised - 1) * 100)
                : "no baseline figure yet"
            let measured = String(format: "%@ (lower bound %@, %@; spread %.1f%%, %d rounds)",
                                  GateFormat.number(interval.estimate), GateFormat.number(interval.lower), change,
                                  spread * 100, rounds)
            outcomes.append(CheckOutcome(kind: .stepTime, name: s.name,
                                         expected: "≤ \(GateFormat.number(limit)) (\(GateFormat.number(s.normalised)) + \(String(format: "%.1f", tolerance * 100))%)",
                                         measured: measured, verdict: judged > limit ? .regression : .holds,
                                         value: interval.estimate, detail: ["spread": spread, "rounds": Double(rounds)]))
        }
        return outcomes
    }
}
