import CGSL

/// Thin, owning wrappers around the GSL calls this module uses. Everything GSL allocates is
/// freed before the function returns; nothing GSL-typed escapes this file.
enum GSLRegression {
    /// GSL's default error handler aborts the process; switch it off once and check statuses instead.
    private static let errorHandlerOff: Void = { _ = gsl_set_error_handler_off() }()

    struct LinearSolution {
        var coefficients: [Double]
        /// (XᵀWX)⁻¹: the covariance when the weights are exact inverse variances.
        var unscaledCovariance: [[Double]]
        /// Σ wᵢ (yᵢ − xᵢ·c)².
        var chiSquared: Double
    }

    struct RobustSolution {
        var coefficients: [Double]
        /// GSL's robust covariance estimate (already scaled by the robust sigma).
        var covariance: [[Double]]
        /// Final bisquare weights in [0, 1], one per row.
        var robustWeights: [Double]
        /// Final residuals y − X c, one per row (in the units of the rows passed in).
        var residuals: [Double]
        var converged: Bool
        var iterations: Int
    }

    /// Weighted least squares by `gsl_multifit_wlinear` (SVD with column balancing).
    static func weightedLeastSquares(design rows: [[Double]], weights: [Double], y: [Double]) throws -> LinearSolution {
        _ = errorHandlerOff
        let n = rows.count, p = rows[0].count
        let X = matrix(rows), w = vector(weights), yv = vector(y)
        let c = gsl_vector_alloc(p)!, cov = gsl_matrix_alloc(p, p)!, work = gsl_multifit_linear_alloc(n, p)!
        defer { free(X, w, yv); gsl_vector_free(c); gsl_matrix_free(cov); gsl_multifit_linear_free(work) }
        var chisq = 0.0
        try check(gsl_multifit_wlinear(X, w, yv, c, cov, &chisq, work), "gsl_multifit_wlinear")
        return LinearSolution(coefficients: array(c), unscaledCovariance: array(cov), chiSquared: chisq)
    }

    /// Robust regression by `gsl_multifit_robust` with the bisquare (Tukey biweight) function.
    /// Non-convergence within GSL's iteration limit is reported, not thrown.
    static func robustBisquare(design rows: [[Double]], y: [Double]) throws -> RobustSolution {
        _ = errorHandlerOff
        let n = rows.count, p = rows[0].count
        let X = matrix(rows), yv = vector(y)
        let c = gsl_vector_alloc(p)!, cov = gsl_matrix_alloc(p, p)!
        let work = gsl_multifit_robust_alloc(cgsl_robust_bisquare(), n, p)!
        defer { free(X, nil, yv); gsl_vector_free(c); gsl_matrix_free(cov); gsl_multifit_robust_free(work) }
        let status = gsl_multifit_robust(X, yv, c, cov, work)
        let converged = status == 0
        if !converged && status != Int32(GSL_EMAXITER) { try check(status, "gsl_multifit_robust") }
        let stats = gsl_multifit_robust_statistics(work)
        return RobustSolution(coefficients: array(c), covariance: array(cov),
                              robustWeights: array(stats.weights), residuals: array(stats.r),
                              converged: converged, iterations: Int(stats.numit))
    }

    /// ŷ = x·c and its standard error sqrt(xᵀ C x), by `gsl_multifit_linear_est`.
    static func estimate(x: [Double], coefficients: [Double], covariance: [[Double]]) throws -> (value: Double, standardError: Double) {
        _ = errorHandlerOff
        let xv = vector(x), c = vector(coefficients), cov = matrix(covariance)
        defer { free(cov, xv, c) }
        var y = 0.0, err = 0.0
        try check(gsl_multifit_linear_est(xv, c, cov, &y, &err), "gsl_multifit_linear_est")
        return (y, err)
    }

    /// The quantile t such that P(T ≤ t) = probability for Student's t with `dof` degrees of freedom.
    static func tQuantile(_ probability: Double, dof: Int) -> Double {
        gsl_cdf_tdist_Pinv(probability, Double(dof))
    }

    /// The upper-tail probability P(T > t) for Student's t with `dof` degrees of freedom.
    static func tUpperTail(_ t: Double, dof: Int) -> Double {
        gsl_cdf_tdist_Q(t, Double(dof))
    }

    // MARK: - Conversions

    private static func check(_ status: Int32, _ function: String) throws {
        guard status == 0 else {
            throw ComplexityFitError.gsl(function: function, status: status, reason: String(cString: gsl_strerror(status)))
        }
    }

    private static func matrix(_ rows: [[Double]]) -> UnsafeMutablePointer<gsl_matrix> {
        let m = gsl_matrix_alloc(rows.count, rows[0].count)!
        // Index loops: `enumerated()` runs unspecialised in a debug build (the tests' Monte Carlo).
        for i in 0..<rows.count {
            let row = rows[i]
            for j in 0..<row.count { gsl_matrix_set(m, i, j, row[j]) }
        }
        return m
    }

    private static func vector(_ values: [Double]) -> UnsafeMutablePointer<gsl_vector> {
        let v = gsl_vector_alloc(values.count)!
        for i in 0..<values.count { gsl_vector_set(v, i, values[i]) }
        return v
    }

    private static func array(_ v: UnsafePointer<gsl_vector>) -> [Double] {
        var values = [Double](repeating: 0, count: v.pointee.size)
        for i in 0..<values.count { values[i] = gsl_vector_get(v, i) }
        return values
    }

    private static func array(_ m: UnsafePointer<gsl_matrix>) -> [[Double]] {
        var rows = [[Double]](repeating: [], count: m.pointee.size1)
        for i in 0..<rows.count {
            var row = [Double](repeating: 0, count: m.pointee.size2)
            for j in 0..<row.count { row[j] = gsl_matrix_get(m, i, j) }
            rows[i] = row
        }
        return rows
    }

    private static func free(_ m: UnsafeMutablePointer<gsl_matrix>, _ a: UnsafeMutablePointer<gsl_vector>?,
                             _ b: UnsafeMutablePointer<gsl_vector>?) {
        gsl_matrix_free(m)
        if let a { gsl_vector_free(a) }
        if let b { gsl_vector_free(b) }
    }
}
