import Foundation

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
        var rng = SplitMix(seed: seed)
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

/// SplitMix64: a small seeded generator, so the bootstrap is reproducible.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
