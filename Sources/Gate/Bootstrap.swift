import ComplexityFit
import Foundation
import Profiling
import SAMNumerics

/// Paired statistics for interleaved rounds: round r gives one numerator a[r] and one denominator
/// b[r] measured back to back, so their ratio a[r]/b[r] cancels whatever slowed the machine during
/// that round. The rounds are resampled as pairs (a percentile bootstrap of the median paired
/// ratio), never the two samples independently.
public enum Bootstrap {
    public struct Interval: Sendable, Equatable {
        public let estimate: Double
        /// One-sided lower and upper bounds at the requested confidence.
        public let lower: Double
        public let upper: Double
    }

    /// The median (one implementation: `Statistics.median`).
    public static func median(_ xs: [Double]) -> Double { Statistics.median(xs) }

    /// The median of the paired ratios a[r]/b[r], with `confidence` one-sided bounds from
    /// `resamples` bootstrap replicates that draw whole rounds with replacement.
    /// - Precondition: a and b have the same non-zero count.
    public static func pairedRatio(_ a: [Double], _ b: [Double], confidence: Double, resamples: Int,
                                   seed: UInt64) -> Interval {
        precondition(a.count == b.count && !a.isEmpty, "paired samples of equal, non-zero length")
        let ratios = zip(a, b).map { $0 / $1 }
        return medianInterval(ratios, confidence: confidence, resamples: resamples, seed: seed)
    }

    /// The median of `xs` with one-sided percentile-bootstrap bounds.
    public static func medianInterval(_ xs: [Double], confidence: Double, resamples: Int, seed: UInt64) -> Interval {
        var rng = SeededGenerator(seed: seed)
        var medians: [Double] = []
        medians.reserveCapacity(resamples)
        var r = xs
        for _ in 0..<resamples {
            for i in r.indices { r[i] = xs[Int(rng.next() % UInt64(xs.count))] }
            medians.append(median(r))
        }
        medians.sort()
        let lowIndex = Int((Double(resamples) * (1 - confidence)).rounded(.down))
        let highIndex = min(resamples - 1, Int((Double(resamples) * confidence).rounded(.up)))
        return Interval(estimate: median(xs), lower: medians[max(0, lowIndex)], upper: medians[highIndex])
    }

    /// The relative round-to-round spread of `xs`: 1.4826 × MAD / median (a robust coefficient of variation).
    public static func relativeSpread(_ xs: [Double]) -> Double {
        let m = median(xs)
        guard m > 0 else { return 0 }
        return 1.4826 * median(xs.map { abs($0 - m) }) / m
    }
}
