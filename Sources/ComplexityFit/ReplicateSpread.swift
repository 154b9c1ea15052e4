/// The per-size summary that the weighted fit consumes: the median of the replicates and an
/// estimate of its noise, from which the weight 1/Var(median) follows.
public struct SizeSummary: Codable, Sendable, Equatable {
    /// N.
    public let size: Int
    /// Number of replicates.
    public let count: Int
    /// Median of the replicates: the value the weighted fit uses for this size.
    public let median: Double
    /// 1.4826 × median absolute deviation: a robust per-replicate standard deviation (0 for one replicate).
    public let mad: Double
    /// The per-replicate standard deviation used for weighting: the MAD shrunk towards the pooled
    /// relative spread, floored (see `ReplicateSpread`).
    public let sigma: Double
    /// Weight of the median in the least-squares fit, count / sigma² (∝ 1 / Var(median)).
    public let weight: Double
}

/// Turns replicates into per-size medians and weights.
///
/// Timing noise is roughly multiplicative, and a MAD from about five replicates is itself very
/// noisy, so each size's spread is shrunk towards the pooled relative spread
/// `cv = median_i(mad_i / median_i)`:
///
///     sigma_i² = ((n_i − 1)·mad_i² + ν₀·(cv·median_i)²) / (n_i − 1 + ν₀)
///
/// (an empirical-Bayes estimate with ν₀ prior degrees of freedom), then floored at
/// `relativeFloor · median_i` so that exact metrics (byte counts) never get infinite weight.
struct ReplicateSpread: Sendable {
    let summaries: [SizeSummary]
    /// Pooled relative spread of single replicates (0 when every size is exact).
    let pooledRelativeSpread: Double
    /// The median replicate count, used to size the noise of a predicted median.
    let typicalCount: Int
    let relativeFloor: Double

    init(series: ScalingSeries, priorDegreesOfFreedom nu0: Double, relativeFloor: Double) {
        let medians = series.replicates.map(Statistics.median)
        let mads = series.replicates.map { $0.count > 1 ? Statistics.scaledMAD($0) : 0 }
        let ratios = zip(series.replicates, zip(mads, medians)).filter { $0.0.count > 1 }.map { $0.1.0 / $0.1.1 }
        let cv = ratios.isEmpty ? 0 : Statistics.median(ratios)
        var summaries: [SizeSummary] = []
        for i in series.sizes.indices {
            let n = Double(series.replicates[i].count)
            let prior = cv * medians[i]
            let pooled = ((n - 1) * mads[i] * mads[i] + nu0 * prior * prior) / max(n - 1 + nu0, 1)
            let sigma = max(pooled.squareRoot(), relativeFloor * medians[i])
            summaries.append(SizeSummary(size: series.sizes[i], count: series.replicates[i].count,
                                         median: medians[i], mad: mads[i], sigma: sigma,
                                         weight: n / (sigma * sigma)))
        }
        self.summaries = summaries
        self.pooledRelativeSpread = cv
        self.typicalCount = Int(Statistics.median(series.replicates.map { Double($0.count) }).rounded())
        self.relativeFloor = relativeFloor
    }

    /// Per-replicate standard deviation expected at a (possibly unmeasured) level `value`.
    func sigma(atLevel value: Double) -> Double {
        max(pooledRelativeSpread, relativeFloor) * abs(value)
    }
}
