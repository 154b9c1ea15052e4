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
public enum TimingRule {
    public static let floor = 0.05
    public static let z = 2.33

    public static func tolerance(spread: Double, rounds: Int) -> Double {
        floor + z * 1.2533 * spread / Double(max(rounds, 1)).squareRoot()
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
            if let k = r.thresholdFactor, let last = r.lastMeasured {
                expected += " (\(GateFormat.number(last)) × \(GateFormat.number(k)))"
            }
            outcomes.append(CheckOutcome(kind: .ratio, name: r.name, expected: expected, measured: measured,
                                         verdict: interval.lower > r.threshold ? .regression : .holds, value: interval.estimate))
        }
        for (i, s) in stepTimes.enumerated() {
            let x = samples(s.point)
            let interval = Bootstrap.pairedRatio(x, calibrationSeconds, confidence: t.confidence,
                                                 resamples: t.bootstrapResamples, seed: t.seed &+ 1000 &+ UInt64(i))
            let spread = Bootstrap.relativeSpread(zip(x, calibrationSeconds).map { $0 / $1 })
            let limit = s.normalised * (1 + s.tolerance)
            let change = s.normalised > 0 ? String(format: "%+.1f%% vs baseline", (interval.estimate / s.normalised - 1) * 100)
                : "no baseline figure yet"
            let measured = String(format: "%@ (lower bound %@, %@; spread %.1f%%, %d rounds)",
                                  GateFormat.number(interval.estimate), GateFormat.number(interval.lower), change,
                                  spread * 100, rounds)
            outcomes.append(CheckOutcome(kind: .stepTime, name: s.name,
                                         expected: "≤ \(GateFormat.number(limit)) (\(GateFormat.number(s.normalised)) + \(String(format: "%.1f", s.tolerance * 100))%)",
                                         measured: measured, verdict: interval.lower > limit ? .regression : .holds,
                                         value: interval.estimate, detail: ["spread": spread, "rounds": Double(rounds)]))
        }
        return outcomes
    }
}
