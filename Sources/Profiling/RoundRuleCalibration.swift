import ComplexityFit
import Foundation
import ModelFamilies
import SAMNumerics

/// How often `RoundVerdict`'s rule, and a pooled figure (the median over rounds) in its place, err on a
/// ratio of two times from one round, on a run's own noise.
///
/// **The null.** The bare controller's step does not depend on N, so within one round the log of its
/// time at N_j over its time at N_i (every pair of sizes i < j) is noise alone: the machine's drift
/// between two measurements of one round. Each of `draws` simulated runs draws one such log-ratio ε per
/// round (uniformly, with replacement) and sets round r's ratio to `truth · e^ε_r`, for a truth `margin`
/// below the target (the target holds) and `margin` above it (it does not). The rates are the fractions
/// of simulated runs each rule calls met, not met or inconclusive. Draws are independent across rounds
/// and come from the controller alone, whose time touches no large memory: an approximation, stated
/// beside the figures.
public struct RoundRuleCalibration: Sendable, Equatable {
    /// What each rule said in the simulated runs at one margin, as fractions of `draws`.
    public struct Rates: Sendable, Equatable {
        /// The truth's distance from the target, as a fraction of the target (0.1: 10%).
        public let margin: Double
        /// Truth inside the target by `margin`: the round rule's met, inconclusive and not-met rates.
        public let withinMet: Double, withinInconclusive: Double, withinNotMet: Double
        /// Truth inside the target: the pooled figure's not-met rate (a false alarm).
        public let withinPooledNotMet: Double
        /// Truth outside the target by `margin`: the round rule's met rate (a false "met") and not-met rate.
        public let outsideMet: Double, outsideNotMet: Double
        /// Truth outside the target: the pooled figure's met rate (a false "met").
        public let outsidePooledMet: Double
    }

    /// How many within-round log-ratios the null holds, and from how many rounds.
    public let nullSamples: Int, rounds: Int
    /// The spread of the null: the median of |ε|, as a factor (1.05: 5%).
    public let medianAbsoluteFactor: Double
    /// Simulated runs per margin.
    public let draws: Int
    /// One entry per margin, in `margins` order.
    public let rates: [Rates]

    /// The margins reported.
    public static let margins = [0.05, 0.1, 0.2]

    /// The calibration from the controller's measurements in `set`; nil without a controller measured
    /// at two sizes in at least `RoundVerdict.minimumRounds` rounds.
    public static func measure(_ set: MeasurementSet, draws: Int = 20_000, seed: UInt64 = 1) -> RoundRuleCalibration? {
        let rounds = set.measurements(of: .controller).map(\.roundStepSeconds.rounds)
            .filter { $0.count >= RoundVerdict.minimumRounds }
        guard rounds.count >= 2, let count = rounds.first?.count, rounds.allSatisfy({ $0.count == count }) else { return nil }
        var null: [Double] = []
        for r in 0..<count {
            for i in rounds.indices { for j in rounds.indices where j > i { null.append(log(rounds[j][r] / rounds[i][r])) } }
        }
        var generator = SeededGenerator(seed: seed)
        let rates = margins.map { margin in
            var within = [HeadlineStatus: Int](), outside = [HeadlineStatus: Int](), pooledNotMet = 0, pooledMet = 0
            for _ in 0..<draws {
                let noise = (0..<count).map { _ in exp(null[Int.random(in: 0..<null.count, using: &generator)]) }
                // Target: ratio ≤ 1. Within: truth 1/(1+margin); outside: truth 1+margin.
                let inside = noise.map { $0 / (1 + margin) }, beyond = noise.map { $0 * (1 + margin) }
                within[RoundVerdict(inside).status { $0 <= 1 }, default: 0] += 1
                outside[RoundVerdict(beyond).status { $0 <= 1 }, default: 0] += 1
                if Statistics.median(inside) > 1 { pooledNotMet += 1 }
                if Statistics.median(beyond) <= 1 { pooledMet += 1 }
            }
            let d = Double(draws)
            return Rates(margin: margin, withinMet: Double(within[.met, default: 0]) / d,
                         withinInconclusive: Double(within[.inconclusive, default: 0]) / d,
                         withinNotMet: Double(within[.notMet, default: 0]) / d, withinPooledNotMet: Double(pooledNotMet) / d,
                         outsideMet: Double(outside[.met, default: 0]) / d, outsideNotMet: Double(outside[.notMet, default: 0]) / d,
                         outsidePooledMet: Double(pooledMet) / d)
        }
        let spread = exp(Statistics.median(null.map(\.magnitude)))
        return RoundRuleCalibration(nullSamples: null.count, rounds: count, medianAbsoluteFactor: spread, draws: draws, rates: rates)
    }

    /// A paragraph and a table for the report.
    public func render() -> String {
        func pct(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }
        var md = "How often the rule errs, on this run's own noise (`RoundRuleCalibration`): within one round, the bare controller's "
        md += "time at one N over its time at another is noise alone (its step does not depend on N). This run has \(nullSamples) such "
        md += "log-ratios from \(rounds) rounds; their median size is \(String(format: "%.1f%%", 100 * (medianAbsoluteFactor - 1))). "
        md += "In each of \(draws) simulated runs per line, every round's ratio is the truth times one drawn noise factor; the pooled "
        md += "figure is the median over rounds, judged alone. The draws are independent across rounds and come from a model that "
        md += "touches no large memory, so the real noise of SAM at 2^20 may be larger.\n\n"
        md += "| truth | round rule: met | inconclusive | not met | pooled figure: not met | truth | round rule: met | not met | pooled figure: met |\n"
        md += "|---|---|---|---|---|---|---|---|---|\n"
        for r in rates {
            let m = String(format: "%.0f%%", 100 * r.margin)
            md += "| \(m) inside | \(pct(r.withinMet)) | \(pct(r.withinInconclusive)) | \(pct(r.withinNotMet)) | \(pct(r.withinPooledNotMet)) "
            md += "| \(m) outside | **\(pct(r.outsideMet))** | \(pct(r.outsideNotMet)) | **\(pct(r.outsidePooledMet))** |\n"
        }
        return md + "\n"
    }
}
