/// Which information criterion ranks the candidate classes.
public enum InformationCriterion: String, Codable, Sendable {
    /// Akaike: −2 ln L + 2·parameters.
    case aic
    /// Bayesian (Schwarz): −2 ln L + parameters·ln k. The default: with k ≈ 10 sizes its penalty
    /// (ln 10 ≈ 2.3 per parameter) favours the simpler class more firmly than AIC's 2.
    case bic
}

/// The chosen class, the runner-up and how far behind it is.
///
/// Rule: a class with a growth term is *admissible* only if its growth coefficient b is positive
/// and significantly so (one-sided t-test with k − 2 degrees of freedom, p < 0.01 / 4 by default:
/// `FitOptions.significanceLevel` shared by the growth classes); O(1) is always admissible. Admissible classes are ranked by the criterion (smaller is better,
/// ties to the simpler class), followed by the inadmissible ones. The first is chosen.
/// So a constant series plus noise is called O(log N) only if its log-N slope is significant at
/// 0.25% *and* log N beats O(1) on the criterion — never merely because an extra parameter soaks up noise.
public struct ClassSelection: Codable, Sendable, Equatable {
    /// The information criterion that ranked the classes (BIC by default).
    public let criterion: InformationCriterion
    /// The first admissible class in the ranking: the fit's verdict.
    public let chosen: ComplexityClass
    /// The second class in the ranking.
    public let runnerUp: ComplexityClass
    /// criterion(runnerUp) − criterion(chosen). Usually ≥ 0 (≥ 2 is positive evidence, ≥ 6 strong, ≥ 10
    /// very strong on the BIC scale); negative only when the runner-up fitted better but was
    /// inadmissible (its growth coefficient was negative or not significant).
    public let delta: Double
    /// Every candidate, best first.
    public let ranking: [ComplexityClass]

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
    }
}
