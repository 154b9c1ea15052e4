import Foundation
import SAMNumerics

/// A seeded percentile bootstrap of the ratio of medians of two independent samples.
public enum Bootstrap {
    public struct Interval: Sendable, Equatable {
        public let estimate: Double
        /// One-sided lower and upper bounds at the requested confidence.
        public let lower: Double
        public let upper: Double
    }

    public static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted(), n = s.count
        guard n > 0 else { return .nan }
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    }

    /// median(a) / median(b), with the `confidence` one-sided bounds of `resamples` bootstrap
    /// replicates (each sample resampled with replacement, independently).
    public static func ratioOfMedians(_ a: [Double], _ b: [Double], confidence: Double, resamples: Int,
                                      seed: UInt64) -> Interval {
        var rng = SeededGenerator(seed: seed)
        var ratios: [Double] = []
        ratios.reserveCapacity(resamples)
        var ra = a, rb = b
        for _ in 0..<resamples {
            for i in ra.indices { ra[i] = a[Int(rng.next() % UInt64(a.count))] }
            for i in rb.indices { rb[i] = b[Int(rng.next() % UInt64(b.count))] }
            ratios.append(median(ra) / median(rb))
        }
        ratios.sort()
        let lowIndex = Int((Double(resamples) * (1 - confidence)).rounded(.down))
        let highIndex = min(resamples - 1, Int((Double(resamples) * confidence).rounded(.up)))
        return Interval(estimate: median(a) / median(b), lower: ratios[max(0, lowIndex)], upper: ratios[highIndex])
    }
}
