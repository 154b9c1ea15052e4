import Foundation

/// The log-log slope s of ln y = c + s·ln N, fitted to the per-size medians: a class-free summary
/// of growth (0 for O(1), 1 for O(N), 2 for O(N²); O(log N) gives a small positive slope).
public struct LogLogSlope: Codable, Sendable, Equatable {
    /// s, the fitted slope.
    public let slope: Double
    /// The standard error of s.
    public let standardError: Double
    /// Confidence interval [lower, upper] at `confidenceLevel`: slope ± t_{(1+level)/2, k−2}·SE,
    /// with the t quantile from `gsl_cdf_tdist_Pinv`.
    public let lower: Double
    /// The upper end of the interval.
    public let upper: Double
    /// The interval's level, e.g. 0.95.
    public let confidenceLevel: Double
    /// ln-scale intercept c.
    public let intercept: Double
    /// Sizes minus 2.
    public let degreesOfFreedom: Int
    /// The weighted coefficient of determination on the log scale.
    public let rSquared: Double

    /// Whether `value` lies in [lower, upper].
    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }

    /// Multiplicative noise is homoscedastic on the log scale, so the medians get equal weight
    /// apart from their replicate counts (Var(median) ∝ 1/count). The residual variance is estimated
    /// from the fit, giving the Student-t interval with k − 2 degrees of freedom.
    init(spread: ReplicateSpread, confidenceLevel: Double) throws {
        let s = spread.summaries
        let x = s.map { log(Double($0.size)) }, y = s.map { log($0.median) }, w = s.map { Double($0.count) }
        let fit = try GSLRegression.weightedLeastSquares(design: x.map { [1, $0] }, weights: w, y: y)
        let dof = s.count - 2
        let floor = ClassFitter.resolution * ClassFitter.resolution * w.reduce(0, +)
        let chi2 = max(fit.chiSquared, floor)
        let se = (fit.unscaledCovariance[1][1] * chi2 / Double(dof)).squareRoot()
        let t = GSLRegression.tQuantile(0.5 + confidenceLevel / 2, dof: dof)
        let meanY = zip(w, y).reduce(0) { $0 + $1.0 * $1.1 } / w.reduce(0, +)
        let tss = zip(w, y).reduce(0) { $0 + $1.0 * ($1.1 - meanY) * ($1.1 - meanY) }
        slope = fit.coefficients[1]
        standardError = se
        lower = slope - t * se
        upper = slope + t * se
        self.confidenceLevel = confidenceLevel
        intercept = fit.coefficients[0]
        degreesOfFreedom = dof
        rSquared = tss > 0 ? max(0, 1 - fit.chiSquared / tss) : 0
    }
}
