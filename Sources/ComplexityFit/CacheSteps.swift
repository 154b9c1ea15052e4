import Foundation

/// Where a memory-hierarchy step may sit in a series (Proofs/complexity-fit.md §7a).
///
/// When the working set outgrows a cache level (L2, L3, the TLB reach) every access past that size
/// costs more: the measured law becomes c's a + b·g(N) times an upward factor from that size on,
/// which no class a + b·g(N) has and which a faster-growing class can mimic. The verdict rule asks
/// whether the claimed class *plus such steps* fits as well as the chosen class *plus the same
/// steps*; the same step sets are offered to both, so the steps never favour one class.
public enum CacheStepPlacement: Codable, Sendable, Equatable {
    /// No steps: the verdict rule of §7 alone.
    case off
    /// Steps only where the working set is known to cross a cache boundary: each entry is the
    /// smallest N past a boundary (a step applies to every measured size ≥ it).
    case atSizes([Int])
    /// Up to `maxSteps` steps between any two consecutive measured sizes (boundaries unknown).
    case anywhere(maxSteps: Int)

    /// "none", "anywhere:1", "at:8193,262145": the form `samkit fit --validate --cache-steps` reads.
    public var name: String {
        switch self {
        case .off: return "none"
        case .anywhere(let m): return "anywhere:\(m)"
        case .atSizes(let sizes): return "at:" + sizes.map(String.init).joined(separator: ",")
        }
    }

    /// Parses `name`'s form; nil if malformed.
    public init?(name: String) {
        if name == "none" { self = .off; return }
        let parts = name.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        if parts[0] == "anywhere", let m = Int(parts[1]) { self = .anywhere(maxSteps: m); return }
        let sizes = parts[1].split(separator: ",").compactMap { Int($0) }
        if parts[0] == "at", !sizes.isEmpty, sizes.count == parts[1].split(separator: ",").count { self = .atSizes(sizes); return }
        return nil
    }
}

/// Class c fitted with upward multiplicative steps: y_i = S_{r(i)}·(a + b·g(N_i)), where r(i) is
/// the number of steps at or below size i, S_0 = 1 ≤ S_1 ≤ … ≤ S_m. Fitted to the per-size medians
/// m_i with the weights w_i of §2 by alternating weighted least squares: (a, b) by
/// `gsl_multifit_wlinear` on the rows (S_r, S_r·g(N)) given S, then each S_r in closed form,
/// S_r = Σ_{i∈r} w_i m_i f_i / Σ_{i∈r} w_i f_i², f = a + b·g, clamped to S_r ≥ S_{r−1}.
/// The score is BIC (or AIC) on the scale of `ClassFit`, with every step counted as
/// `parametersPerStep` parameters: its height and its position are both fitted to the data.
enum CacheSteps {
    /// A step's height S_r is fitted, and so is its position (the gap that minimises χ²): two
    /// parameters in the criterion (Proofs/complexity-fit.md §7a).
    static let parametersPerStep = 2

    /// The step sets a placement offers for `summaries` (gap index j: the step applies to sizes i ≥ j).
    static func stepSets(_ placement: CacheStepPlacement, sizes: [Int]) -> [[Int]] {
        let k = sizes.count
        switch placement {
        case .off:
            return [[]]
        case .atSizes(let boundaries):
            let gaps = Set(boundaries.compactMap { b in sizes.firstIndex { $0 >= b } }.filter { $0 > 0 })
            return [[], gaps.sorted()]
        case .anywhere(let maxSteps):
            var sets: [[Int]] = [[]]
            var frontier: [[Int]] = [[]]
            for _ in 0..<max(0, min(maxSteps, k - 1)) {
                frontier = frontier.flatMap { set in ((set.last ?? 0) + 1 ..< k).map { set + [$0] } }
                sets += frontier
            }
            return sets
        }
    }

    /// The best score of class `cls` with any of the placement's step sets; nil if no set gives a
    /// valid fit (b < 0 or a non-positive law).
    static func bestScore(_ cls: ComplexityClass, summaries: [SizeSummary], placement: CacheStepPlacement,
                          criterion: InformationCriterion) -> Double? {
        let sizes = summaries.map(\.size)
        return stepSets(placement, sizes: sizes).compactMap { set -> Double? in
            let k = summaries.count
            guard k - cls.coefficientCount - set.count >= 1,
                  let chi2 = try? chiSquared(cls, summaries: summaries, steps: set) else { return nil }
            let m2ll = Double(k) * log(chi2 / Double(k))
            let penalty = criterion == .bic ? log(Double(k)) : 2
            return m2ll + Double(cls.coefficientCount + parametersPerStep * set.count + 1) * penalty
        }.min()
    }

    /// χ² of the stepped fit (floored at the measurement resolution like `ClassFitter`); nil if invalid.
    static func chiSquared(_ cls: ComplexityClass, summaries: [SizeSummary], steps: [Int]) throws -> Double? {
        // Index loops over pointers (fast in a debug build, where `map` and `reduce` run unspecialised:
        // the fitter's validation tests call this millions of times); the sums run in index order.
        let k = summaries.count, regimes = steps.count + 1
        let scale = cls.growth(Double(summaries[k - 1].size)) ?? 1
        var y = [Double](repeating: 0, count: k), w = y, g = y, law = y
        var regime = [Int](repeating: 0, count: k), hasGrowth = true
        var factor = [Double](repeating: 1, count: regimes)
        var rows = [[Double]](repeating: [], count: k)
        var floorSum = 0.0
        for i in 0..<k {
            y[i] = summaries[i].median
            w[i] = summaries[i].weight
            if let growth = cls.growth(Double(summaries[i].size)) { g[i] = growth / scale } else { hasGrowth = false }
            var r = 0
            for j in 0..<steps.count where steps[j] <= i { r += 1 }
            regime[i] = r
            floorSum += w[i] * y[i] * y[i]
        }
        let floor = ClassFitter.resolution * ClassFitter.resolution * floorSum
        var previous = Double.infinity, chi2 = Double.infinity
        for _ in 0..<60 {
            for i in 0..<k {
                let f = factor[regime[i]]
                rows[i] = hasGrowth ? [f, f * g[i]] : [f]
            }
            let c = try GSLRegression.weightedLeastSquares(design: rows, weights: w, y: y).coefficients
            if c.count == 2 && c[1] < 0 { return nil }
            for i in 0..<k {
                law[i] = c[0] + (hasGrowth ? g[i] * c[1] : 0)
                if law[i] <= 0 { return nil }
            }
            for r in 1..<regimes {
                var num = 0.0, den = 0.0
                for i in 0..<k where regime[i] == r {
                    num += w[i] * y[i] * law[i]
                    den += w[i] * law[i] * law[i]
                }
                factor[r] = max(factor[r - 1], den > 0 ? num / den : factor[r - 1])
            }
            chi2 = 0
            for i in 0..<k {
                let residual = y[i] - factor[regime[i]] * law[i]
                chi2 += w[i] * residual * residual
            }
            if steps.isEmpty || abs(previous - chi2) <= 1e-10 * chi2 { break }
            previous = chi2
        }
        return max(chi2, floor)
    }
}
