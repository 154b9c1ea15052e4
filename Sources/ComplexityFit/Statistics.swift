/// Small order statistics used to summarise replicates. Inputs are never empty (validated earlier).
enum OrderStatistics {
    /// The median (mean of the two middle values for an even count).
    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        let m = s.count / 2
        return s.count % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m])
    }

    /// The median absolute deviation from the median, scaled by 1.4826 so that it estimates
    /// the standard deviation of normally distributed data.
    static func scaledMAD(_ values: [Double]) -> Double {
        let m = median(values)
        return 1.4826 * median(values.map { abs($0 - m) })
    }
}
