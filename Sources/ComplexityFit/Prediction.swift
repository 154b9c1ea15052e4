/// Whether a predicted size was measured, lies between measured sizes, or beyond them.
public enum PointKind: String, Codable, Sendable {
    case measured
    /// Inside [N_min, N_max] but not itself measured.
    case interpolated
    /// Outside the measured range: the value rests on the class holding beyond the data.
    case extrapolated
}

/// A predicted median at one size, with a prediction interval for a new measurement there.
public struct Prediction: Codable, Sendable, Equatable {
    /// N.
    public let size: Int
    /// Measured, interpolated or extrapolated.
    public let kind: PointKind
    /// a + b·g(N) from the weighted fit.
    public let value: Double
    /// Standard error of the fitted mean, sqrt(xᵀ C x) by `gsl_multifit_linear_est`.
    public let standardErrorOfFit: Double
    /// Standard error of a new median of `replicates` values: sqrt(SE_fit² + s²·sigma(N)²/replicates).
    public let standardErrorOfPrediction: Double
    /// Prediction interval value ± t_{(1+level)/2, k−p}·SE_prediction.
    public let lower: Double
    /// The upper end of the prediction interval.
    public let upper: Double
    /// The interval's level, e.g. 0.95.
    public let confidenceLevel: Double
    /// The replicate count the new median is assumed to have (the measured count, or the typical one).
    public let replicates: Int
}

extension ComplexityAnalysis {
    /// Predicts the median at each size from a class's weighted fit (the chosen class by default).
    ///
    /// The noise of a new median at N is modelled as in the fit: per-replicate sigma(N) times the
    /// fit's residual scale s² = χ²/(k − p), divided by the replicate count. At a measured size
    /// sigma is that size's own; elsewhere it is the pooled relative spread × the predicted value.
    /// - Parameter pooledNoise: use the pooled noise model (cv·ŷ, typical count) at measured sizes
    ///   too, so that a band drawn across the last measured N is continuous there (the plots).
    public func predict(at sizes: [Int], using cls: ComplexityClass? = nil,
                        confidenceLevel: Double? = nil, pooledNoise: Bool = false) throws -> [Prediction] {
        let level = confidenceLevel ?? options.confidenceLevel
        guard level > 0, level < 1 else {
            throw ComplexityFitError.invalidOption(name: "confidenceLevel", value: level, validRange: "(0, 1)")
        }
        let cls = cls ?? selection.chosen
        guard let fit = fits.first(where: { $0.complexityClass == cls }) else {
            throw ComplexityFitError.invalidOption(name: "class \(cls)", value: .nan, validRange: "one of the fitted candidates")
        }
        let dof = fit.weighted.degreesOfFreedom
        let residualScale = fit.chiSquared / Double(dof)
        let t = GSLRegression.tQuantile(0.5 + level / 2, dof: dof)
        let low = summaries.first!.size, high = summaries.last!.size
        let coefficients = [fit.weighted.intercept.value] + (fit.weighted.growth.map { [$0.value] } ?? [])

        return try sizes.map { n in
            guard n > 0 else { throw ComplexityFitError.invalidPredictionSize(size: n) }
            let (value, seFit) = try GSLRegression.estimate(x: fit.designRow(at: Double(n)), coefficients: coefficients,
                                                            covariance: fit.weighted.covariance)
            let measured = summaries.first { $0.size == n }
            let own = pooledNoise ? nil : measured
            let sigma = own?.sigma ?? max(pooledRelativeSpread, options.relativeSpreadFloor) * abs(value)
            let count = own?.count ?? typicalReplicateCount
            let se = (seFit * seFit + residualScale * sigma * sigma / Double(count)).squareRoot()
            let kind: PointKind = measured != nil ? .measured : (n < low || n > high ? .extrapolated : .interpolated)
            return Prediction(size: n, kind: kind, value: value, standardErrorOfFit: seFit,
                              standardErrorOfPrediction: se, lower: value - t * se, upper: value + t * se,
                              confidenceLevel: level, replicates: count)
        }
    }
}
