import Foundation

/// A coefficient with its standard error.
public struct Coefficient: Codable, Sendable, Equatable {
    /// The estimate.
    public let value: Double
    /// Its standard error (square root of the covariance diagonal entry).
    public let standardError: Double
}

/// One regression of the model y = a + b·g(N) (or y = a for O(1)).
public struct RegressionFit: Codable, Sendable, Equatable {
    /// a: the fixed overhead.
    public let intercept: Coefficient
    /// b: the growth coefficient; `nil` for O(1).
    public let growth: Coefficient?
    /// Weighted coefficient of determination, 1 − Σw·r² / Σw·(y − ȳ_w)²; 0 for O(1) by definition.
    public let rSquared: Double
    /// Observations minus coefficients.
    public let degreesOfFreedom: Int
    /// Covariance of (a, b) (1×1 for O(1)), in the units of the coefficients.
    public let covariance: [[Double]]
}

/// The bisquare fit's extra diagnostics.
public struct RobustFit: Codable, Sendable, Equatable {
    /// The coefficients and diagnostics of the bisquare regression.
    public let fit: RegressionFit
    /// Whether GSL's iteratively reweighted least squares converged within its iteration limit.
    public let converged: Bool
    /// Iterations GSL used.
    public let iterations: Int
    /// Replicates whose final bisquare weight is below 0.5 (treated as outliers).
    public let downweightedReplicates: Int
}

/// Both fits of one candidate class and its information criteria.
public struct ClassFit: Codable, Sendable, Equatable {
    /// The candidate class g(N).
    public let complexityClass: ComplexityClass
    /// Weighted least squares on the per-size medians, weights count/sigma² (`gsl_multifit_wlinear`).
    /// Its covariance is scaled by the residual variance (weights are known only up to a factor).
    public let weighted: RegressionFit
    /// Bisquare regression on every replicate, each row scaled by 1/sigma of its size (`gsl_multifit_robust`).
    /// `nil` only if GSL rejected the problem.
    public let robust: RobustFit?
    /// Σ wᵢ rᵢ² of the weighted fit (floored at the measurement resolution, see `ClassFitter.resolution`).
    public let chiSquared: Double
    /// −2 ln L with the residual scale maximised out: k·ln(χ²/k), k = number of sizes.
    public let minusTwoLogLikelihood: Double
    /// −2 ln L + 2·(coefficients + 1).
    public let aic: Double
    /// −2 ln L + (coefficients + 1)·ln k.
    public let bic: Double
    /// One-sided p-value of H₀: b ≤ 0 from the t statistic b/SE(b); `nil` for O(1).
    public let growthPValue: Double?
    /// Whether the class may be chosen (`ClassSelection.isAdmissible`): O(1) unless the series grows
    /// more than 3×; otherwise b > 0, significantly so unless the series grows more than 3×.
    public let admissible: Bool

    /// The weighted fit's value a + b·g(N).
    public func value(at n: Double) -> Double {
        weighted.intercept.value + (complexityClass.growth(n).map { $0 * weighted.growth!.value } ?? 0)
    }

    /// The regression row (1, g(N)) in the units of `weighted.covariance`.
    func designRow(at n: Double) -> [Double] {
        complexityClass.growth(n).map { [1, $0] } ?? [1]
    }
}

/// Fits one class by weighted least squares and by bisquare regression.
///
/// The growth column is divided by g(N_max) before it reaches GSL, so that N² at N = 2^20 and the
/// intercept column differ by O(1) rather than 10¹²; coefficients are scaled back afterwards.
struct ClassFitter {
    /// Relative measurement resolution: residuals below 1e-9 of the values are treated as 1e-9, so exact
    /// metrics (byte counts) give finite likelihoods and roundoff cannot make a growth term "significant".
    static let resolution = 1e-9

    let series: ScalingSeries
    let spread: ReplicateSpread
    /// Per-class one-sided level (already Bonferroni-divided).
    let significanceLevel: Double
    /// median(N_max) / median(N_min), for the large-growth rule.
    let growthFactor: Double

    func fit(_ cls: ComplexityClass) throws -> ClassFit {
        let summaries = spread.summaries
        let k = summaries.count, p = cls.coefficientCount
        let scale = cls.growth(Double(summaries.last!.size)) ?? 1
        func row(_ n: Int) -> [Double] { cls.growth(Double(n)).map { [1, $0 / scale] } ?? [1] }

        // Weighted least squares on the medians.
        let y = summaries.map(\.median), w = summaries.map(\.weight)
        let wls = try GSLRegression.weightedLeastSquares(design: summaries.map { row($0.size) }, weights: w, y: y)
        let floor = Self.resolution * Self.resolution * zip(w, y).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
        let chi2 = max(wls.chiSquared, floor)
        let dof = k - p
        let residualVariance = chi2 / Double(dof)
        let weighted = regression(wls.coefficients, wls.unscaledCovariance.map { $0.map { $0 * residualVariance } },
                                  scale: scale, rSquared: cls == .constant ? 0 : rSquared(chi2, y, w), dof: dof)

        var pValue: Double? = nil
        if let b = weighted.growth {
            pValue = b.standardError > 0 ? GSLRegression.tUpperTail(b.value / b.standardError, dof: dof) : (b.value > 0 ? 0 : 1)
        }
        let admissible = ClassSelection.isAdmissible(cls, growth: weighted.growth?.value, pValue: pValue,
                                                     level: significanceLevel, growthFactor: growthFactor)

        let m2ll = Double(k) * log(chi2 / Double(k))
        let params = Double(p + 1)
        return ClassFit(complexityClass: cls, weighted: weighted, robust: try robust(cls, row: row, scale: scale),
                        chiSquared: chi2, minusTwoLogLikelihood: m2ll,
                        aic: m2ll + 2 * params, bic: m2ll + params * log(Double(k)),
                        growthPValue: pValue, admissible: admissible)
    }

    /// Bisquare regression on all replicates; row i·j is divided by sigma_i so the multiplicative
    /// noise becomes homoscedastic and the large-N points do not swamp the small-N ones.
    private func robust(_ cls: ComplexityClass, row: (Int) -> [Double], scale: Double) throws -> RobustFit? {
        var rows: [[Double]] = [], ys: [Double] = [], ws: [Double] = [], values: [Double] = []
        for (summary, replicates) in zip(spread.summaries, series.replicates) {
            for value in replicates {
                rows.append(row(summary.size).map { $0 / summary.sigma })
                ys.append(value / summary.sigma)
                ws.append(1 / (summary.sigma * summary.sigma))
                values.append(value)
            }
        }
        guard rows.count > cls.coefficientCount else { return nil }
        let solution: GSLRegression.RobustSolution
        do { solution = try GSLRegression.robustBisquare(design: rows, y: ys) } catch { return nil }
        // Combined weights: bisquare weight × 1/sigma²; residuals back in the units of the values.
        let omega = zip(solution.robustWeights, ws).map { $0 * $1 }
        let residuals = zip(solution.residuals, rows).map { r, x in r * (x[0] > 0 ? 1 / x[0] : 0) }
        let sse = zip(omega, residuals).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
        let r2 = cls == .constant ? 0 : rSquared(sse, values, omega)
        let fit = regression(solution.coefficients, solution.covariance, scale: scale, rSquared: r2,
                             dof: rows.count - cls.coefficientCount)
        return RobustFit(fit: fit, converged: solution.converged, iterations: solution.iterations,
                         downweightedReplicates: solution.robustWeights.filter { $0 < 0.5 }.count)
    }

    /// Undo the column scaling: b = b̃ / scale, Cov(a, b) = Cov(a, b̃) / scale, Var(b) = Var(b̃) / scale².
    private func regression(_ c: [Double], _ cov: [[Double]], scale: Double, rSquared: Double, dof: Int) -> RegressionFit {
        let intercept = Coefficient(value: c[0], standardError: cov[0][0].squareRoot())
        guard c.count == 2 else {
            return RegressionFit(intercept: intercept, growth: nil, rSquared: rSquared, degreesOfFreedom: dof, covariance: cov)
        }
        let covariance = [[cov[0][0], cov[0][1] / scale], [cov[1][0] / scale, cov[1][1] / (scale * scale)]]
        return RegressionFit(intercept: intercept,
                             growth: Coefficient(value: c[1] / scale, standardError: covariance[1][1].squareRoot()),
                             rSquared: rSquared, degreesOfFreedom: dof, covariance: covariance)
    }

    private func rSquared(_ sse: Double, _ y: [Double], _ w: [Double]) -> Double {
        let totalWeight = w.reduce(0, +)
        guard totalWeight > 0 else { return 0 }
        let mean = zip(w, y).reduce(0) { $0 + $1.0 * $1.1 } / totalWeight
        let tss = zip(w, y).reduce(0) { $0 + $1.0 * ($1.1 - mean) * ($1.1 - mean) }
        return tss > 0 ? max(0, 1 - sse / tss) : 0
    }
}
