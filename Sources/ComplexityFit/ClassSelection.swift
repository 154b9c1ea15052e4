import Foundation

// The class-selection rule and the verdict rule, as one story (in the manner of google/benchmark's
// complexity.cc). `ClassFitter` (ClassFit.swift) only does the numerics: a + b·g(N) for each class
// by weighted least squares, with χ², BIC and the t-test p-value of b. Everything that *decides*
// is here, in this order:
//
//  1. Admissibility (`ClassSelection.isAdmissible`). O(1) is admissible unless the series grows by
//     more than `largeGrowthFactor` (3×) over the sweep: large growth is never a constant. A growth
//     class is admissible if b > 0 and, for a series that does not grow 3×, b is significantly
//     positive (one-sided t-test at α/G, Bonferroni over the G growth classes). For a series that
//     does grow 3×, the growth itself is the evidence, so b > 0 suffices.
//  2. Ranking (`ClassSelection.init`): admissible classes by the information criterion (ties to the
//     simpler class), then the inadmissible ones. The first is chosen.
//  3. The verdict on a claim (`ClaimVerdict.judge`), three outcomes, thresholds derived in
//     Proofs/complexity-fit.md §7 (ΔBIC = 2 ln of the Bayes factor, Kass & Raftery 1995):
//       - inconclusive if the row is noisy, or no class is admissible (too much noise);
//       - confirmed if the chosen class is the claimed one, or the claimed class is admissible and
//         its BIC is within `indistinguishableDelta` (2) of the chosen one's (it says
//         "indistinguishable"); a claimed growth whose b is not significant is never confirmed;
//       - contradicted if the chosen class has a different growth and beats the claimed one by
//         `decisiveDelta` (6) or more with at least `minimumSizesToContradict` (6) sizes (fewer:
//         inconclusive, too few sizes), or the claim is O(1) and the series grows 3×;
//       - a cache step is no evidence of faster growth (§7a): when the chosen class grows faster
//         than the claimed one, both are refitted with the same upward multiplicative steps
//         (`CacheSteps`, placements from `FitOptions.cacheSteps`); if the claimed class then comes
//         within 2 of the chosen one it is confirmed "indistinguishable once both may step up"
//         (with fewer than 6 sizes: inconclusive, a step leaves too few residual degrees of
//         freedom to rest a verdict on), and a contradiction needs the chosen class to stay ≥ 6
//         ahead with steps too;
//       - inconclusive otherwise: the range is too narrow to tell the two classes apart.
//     The local log-log slope over the three largest sizes is reported beside the verdict as
//     support; it never decides.

/// Which information criterion ranks the candidate classes.
public enum InformationCriterion: String, Codable, Sendable {
    /// Akaike: −2 ln L + 2·parameters.
    case aic
    /// Bayesian (Schwarz): −2 ln L + parameters·ln k. The default.
    case bic
}

/// The chosen class, the runner-up and how far behind it is.
public struct ClassSelection: Codable, Sendable, Equatable {
    /// A series whose largest-N median exceeds this multiple of its smallest-N median is never O(1).
    public static let largeGrowthFactor = 3.0

    /// The information criterion that ranked the classes (BIC by default).
    public let criterion: InformationCriterion
    /// The first admissible class in the ranking: the fit's verdict.
    public let chosen: ComplexityClass
    /// The second class in the ranking.
    public let runnerUp: ComplexityClass
    /// criterion(runnerUp) − criterion(chosen); negative only when the runner-up fitted better but
    /// was inadmissible.
    public let delta: Double
    /// Every candidate, best first.
    public let ranking: [ComplexityClass]
    /// Whether the chosen class is admissible; false when no class is (too much noise to choose).
    public let chosenIsAdmissible: Bool

    /// Step 1: may this class be chosen?
    /// - Parameters:
    ///   - growth: the weighted fit's b (nil for O(1)); pValue: one-sided p of H₀: b ≤ 0.
    ///   - level: the per-class level α/G; growthFactor: median(N_max) / median(N_min).
    static func isAdmissible(_ cls: ComplexityClass, growth: Double?, pValue: Double?, level: Double,
                             growthFactor: Double) -> Bool {
        let grewLarge = growthFactor > largeGrowthFactor
        guard let b = growth, let p = pValue else { return !grewLarge }
        return b > 0 && (grewLarge || p < level)
    }

    /// Step 2: rank the fits.
    init(fits: [ClassFit], criterion: InformationCriterion) {
        func score(_ f: ClassFit) -> Double { criterion == .bic ? f.bic : f.aic }
        let ranked = fits.sorted { l, r in
            if l.admissible != r.admissible { return l.admissible }
            if score(l) != score(r) { return score(l) < score(r) }
            return l.complexityClass.order < r.complexityClass.order
        }
        self.criterion = criterion
        self.chosen = ranked[0].complexityClass
        self.runnerUp = ranked[1].complexityClass
        self.delta = score(ranked[1]) - score(ranked[0])
        self.ranking = ranked.map(\.complexityClass)
        self.chosenIsAdmissible = ranked[0].admissible
    }
}

/// The three outcomes of checking a claimed class against a fit.
public enum VerdictOutcome: String, Codable, Sendable, Equatable {
    case confirmed, contradicted, inconclusive
}

/// A claim's verdict, with the reason in words.
public struct ClaimVerdict: Codable, Sendable, Equatable {
    /// ΔBIC below this: the two classes are indistinguishable (Bayes factor < e ≈ 2.7).
    public static let indistinguishableDelta = 2.0
    /// ΔBIC at or above this: decisive (Bayes factor ≥ e³ ≈ 20, "strong").
    public static let decisiveDelta = 6.0
    /// A decisive ΔBIC between two classes contradicts a claim only with at least this many sizes
    /// (k − 2 ≥ 4 residual degrees of freedom). With k = 4, −2 ln L = k·ln(χ²/k) rests on χ² with 2
    /// degrees of freedom, whose logarithm is too variable for ΔBIC's Bayes-factor reading: on the
    /// README's 4-size example under load, true O(N) lost to O(N log N) by ΔBIC ≥ 6 in 13% of series.
    /// (The large-growth rule against O(1) does not depend on this.)
    public static let minimumSizesToContradict = 6

    public let claimed: ComplexityClass
    public let outcome: VerdictOutcome
    /// Why, e.g. "chosen", "indistinguishable from O(N log N) (ΔBIC 1.2)", "too much noise".
    public let reason: String
    /// criterion(claimed) − criterion(chosen) (nil when there is no fit).
    public let delta: Double?
    /// Log-log slope over the three largest sizes: support, never the decision.
    public let localSlope: Double?
    /// criterion(claimed + steps) − criterion(chosen + steps), both with the best of the same cache
    /// step sets (§7a); nil unless the chosen class grows faster than the claimed one.
    public let deltaWithSteps: Double?

    public init(claimed: ComplexityClass, outcome: VerdictOutcome, reason: String, delta: Double?, localSlope: Double?,
                deltaWithSteps: Double? = nil) {
        self.claimed = claimed
        self.outcome = outcome
        self.reason = reason
        self.delta = delta
        self.localSlope = localSlope
        self.deltaWithSteps = deltaWithSteps
    }

    /// §7a: criterion(claimed + steps) − criterion(chosen + steps) when the chosen class grows faster
    /// than the claimed one and the claimed class is admissible; nil otherwise (steps are upward,
    /// so they can only stand in for extra growth).
    public static func deltaWithCacheSteps(_ claimed: ComplexityClass, _ analysis: ComplexityAnalysis) -> Double? {
        let chosen = analysis.selection.chosen
        guard chosen.order > claimed.order, analysis.fit(for: claimed)?.admissible == true,
              analysis.options.cacheSteps != .off else { return nil }
        func best(_ cls: ComplexityClass) -> Double? {
            CacheSteps.bestScore(cls, summaries: analysis.summaries, placement: analysis.options.cacheSteps,
                                 criterion: analysis.selection.criterion)
        }
        guard let c = best(claimed), let h = best(chosen) else { return nil }
        return c - h
    }

    /// Step 3: the verdict on "this series is `claimed`".
    /// - Parameter noisy: the measurements behind the series were disturbed (see `Driver`): inconclusive.
    public static func judge(_ claimed: ComplexityClass, _ analysis: ComplexityAnalysis, noisy: Bool = false) -> ClaimVerdict {
        let s = analysis.summaries.suffix(3)
        let local = Statistics.logLogSlope(sizes: s.map(\.size), values: s.map(\.median))
        let localSlope: Double? = local.isFinite ? local : nil
        let selection = analysis.selection
        var stepDelta: Double? = nil
        func verdict(_ o: VerdictOutcome, _ r: String, _ d: Double?) -> ClaimVerdict {
            ClaimVerdict(claimed: claimed, outcome: o, reason: r, delta: d, localSlope: localSlope, deltaWithSteps: stepDelta)
        }
        guard let claimedFit = analysis.fit(for: claimed) else {
            return verdict(.inconclusive, "\(claimed) was not among the fitted classes", nil)
        }
        func score(_ f: ClassFit) -> Double { selection.criterion == .bic ? f.bic : f.aic }
        let delta = score(claimedFit) - score(analysis.chosenFit)
        let name = selection.criterion.rawValue.uppercased()
        if noisy { return verdict(.inconclusive, "noisy: CPU/wall below the busy threshold at the re-run cap", delta) }
        if claimed == .constant && analysis.growthFactor > ClassSelection.largeGrowthFactor {
            return verdict(.contradicted, "grows \(NumberFormat.significant(analysis.growthFactor, 2))× over the sweep: not O(1)", delta)
        }
        if !selection.chosenIsAdmissible {
            return verdict(.inconclusive, "too much noise: no class has a significant positive growth term", delta)
        }
        if selection.chosen == claimed { return verdict(.confirmed, "chosen", delta) }
        if delta < indistinguishableDelta && claimedFit.admissible {
            return verdict(.confirmed, "indistinguishable from \(selection.chosen) (Δ\(name) \(NumberFormat.fixed(delta, 1)))", delta)
        }
        stepDelta = deltaWithCacheSteps(claimed, analysis)
        if let steps = stepDelta, steps < indistinguishableDelta, analysis.summaries.count < minimumSizesToContradict {
            return verdict(.inconclusive, "too few sizes (\(analysis.summaries.count) < \(minimumSizesToContradict)) to rest a verdict on a cache step: \(claimed) plus a step is indistinguishable from \(selection.chosen) (Δ\(name) \(NumberFormat.fixed(delta, 1)) plain, \(NumberFormat.fixed(steps, 1)) with steps)", delta)
        }
        if let steps = stepDelta, steps < indistinguishableDelta {
            return verdict(.confirmed, "indistinguishable from \(selection.chosen) once both may step up at a cache boundary (Δ\(name) \(NumberFormat.fixed(delta, 1)) plain, \(NumberFormat.fixed(steps, 1)) with steps)", delta)
        }
        if delta >= decisiveDelta && analysis.summaries.count < minimumSizesToContradict {
            return verdict(.inconclusive, "too few sizes (\(analysis.summaries.count) < \(minimumSizesToContradict)) to contradict: \(selection.chosen) leads by Δ\(name) \(NumberFormat.fixed(delta, 1))", delta)
        }
        if delta >= decisiveDelta, let steps = stepDelta, steps < decisiveDelta {
            return verdict(.inconclusive, "\(selection.chosen) leads by Δ\(name) \(NumberFormat.fixed(delta, 1)) plain but only by \(NumberFormat.fixed(steps, 1)) once both may step up at a cache boundary", delta)
        }
        if delta >= decisiveDelta {
            let withSteps = stepDelta.map { " plain, \(NumberFormat.fixed($0, 1)) with cache steps" } ?? ""
            return verdict(.contradicted, "\(selection.chosen) wins decisively (Δ\(name) \(NumberFormat.fixed(delta, 1))\(withSteps))", delta)
        }
        if !claimedFit.admissible {
            return verdict(.inconclusive, "\(claimed)'s growth term is not significantly positive and \(selection.chosen) does not win decisively (Δ\(name) \(NumberFormat.fixed(delta, 1)))", delta)
        }
        return verdict(.inconclusive, "range too narrow to tell \(claimed) from \(selection.chosen) (Δ\(name) \(NumberFormat.fixed(delta, 1)))", delta)
    }
}
