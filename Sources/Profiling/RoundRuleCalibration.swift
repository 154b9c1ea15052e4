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
///
/// **The paired null** (`measurePaired`). A ratio judged against the paired reference (`Driver`) is
/// compared the same way, with a null of its own kind: for every (model, N) measured with references (but
/// the controller, whose reference is its twin), the
/// log of its referenced step (step over reference) in one round over that in another round. The truth
/// cannot differ between rounds, so this is noise alone, and rounds lie further apart in time than two
/// sizes of one round, so it errs towards more noise. The same null formed from the raw steps is shown
/// beside it.
public struct RoundRuleCalibration: Sendable, Equatable {
    /// Where the null's log-ratios come from.
    public enum Source: Sendable, Equatable {
        /// The controller's raw step, two sizes of one round.
        case controllerWithinRound
        /// Every (model, N)'s referenced step, two rounds; with the median |ε| of the raw steps' same null, as a factor.
        case pairedAcrossRounds(rawMedianAbsoluteFactor: Double)
    }
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

    /// Where the null comes from.
    public let source: Source
    /// How many log-ratios the null holds, and how many rounds a simulated run has.
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
        return measure(null: null, rounds: count, source: .controllerWithinRound, draws: draws, seed: seed)
    }

    /// The calibration of the paired rule from every referenced (model, N) in `set` (the paired null above);
    /// nil when no (model, N) has references in at least `RoundVerdict.minimumRounds` rounds.
    public static func measurePaired(_ set: MeasurementSet, draws: Int = 20_000, seed: UInt64 = 1) -> RoundRuleCalibration? {
        func acrossRounds(_ rounds: [Double]) -> [Double] {
            rounds.indices.flatMap { a in rounds.indices.filter { $0 > a }.map { log(rounds[$0] / rounds[a]) } }
        }
        // Not the controller itself: its reference is its twin, so its referenced step is not a model's noise.
        let referenced = set.measurements.filter {
            $0.model != .controller && $0.roundReferencedStep.rounds.count >= RoundVerdict.minimumRounds
        }
        guard let count = referenced.first?.processCount else { return nil }
        let null = referenced.flatMap { acrossRounds($0.roundReferencedStep.rounds) }
        let raw = referenced.flatMap { acrossRounds($0.roundStepSeconds.rounds) }
        return measure(null: null, rounds: count, source: .pairedAcrossRounds(rawMedianAbsoluteFactor: exp(Statistics.median(raw.map(\.magnitude)))),
                       draws: draws, seed: seed)
    }

    /// Both rules on `draws` simulated runs of `rounds` rounds, each round's noise drawn from `null`.
    static func measure(null: [Double], rounds count: Int, source: Source, draws: Int, seed: UInt64) -> RoundRuleCalibration {
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
        return RoundRuleCalibration(source: source, nullSamples: null.count, rounds: count, medianAbsoluteFactor: spread, draws: draws, rates: rates)
    }

    /// A paragraph and a table for the report.
    public func render() -> String {
        func pct(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }
        func size(_ factor: Double) -> String { String(format: "%.1f%%", 100 * (factor - 1)) }
        var md: String
        switch source {
        case .controllerWithinRound:
            md = "How often the rule errs on raw times, on this run's own noise (`RoundRuleCalibration`): within one round, the bare controller's "
            md += "time at one N over its time at another is noise alone (its step does not depend on N). This run has \(nullSamples) such "
            md += "log-ratios from \(rounds) rounds; their median size is \(size(medianAbsoluteFactor)). "
            md += "In each of \(draws) simulated runs per line, every round's ratio is the truth times one drawn noise factor; the pooled "
            md += "figure is the median over rounds, judged alone. The draws are independent across rounds and come from a model that "
            md += "touches no large memory, so the real noise of SAM at 2^20 may be larger.\n\n"
        case let .pairedAcrossRounds(raw):
            md = "How often the rule errs on times over the paired reference (`RoundRuleCalibration.measurePaired`): for every (model, N), its "
            md += "referenced step in one round over that in another is noise alone. This run has \(nullSamples) such log-ratios; their median "
            md += "size is \(size(medianAbsoluteFactor)), against \(size(raw)) for the same pairs of raw steps. Simulated as above, "
            md += "\(draws) runs of \(rounds) rounds per line.\n\n"
        }
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
