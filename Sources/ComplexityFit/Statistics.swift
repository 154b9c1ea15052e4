import Foundation

/// The one statistics kernel of the fitter, the profiler and (public, so that it can switch) the
/// gate: one median, one quantile, one scaled MAD, one plain log-log slope.
public enum Statistics {
    /// The median (mean of the two middle values for an even count); NaN for an empty list.
    public static func median(_ values: [Double]) -> Double { quantile(values, 0.5) }

    /// Linear-interpolation quantile (Hyndman–Fan type 7) at probability p ∈ [0, 1]; NaN for an
    /// empty list. quantile(v, 0.5) is the median.
    public static func quantile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let s = values.sorted()
        let h = Double(s.count - 1) * p
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, s.count - 1)
        return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
    }

    /// The median absolute deviation from the median, scaled by 1.4826 so that it estimates the
    /// standard deviation of normally distributed data; 0 for fewer than two values.
    public static func scaledMAD(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let m = median(values)
        return 1.4826 * median(values.map { abs($0 - m) })
    }

    /// Ordinary least-squares slope s of ln y = c + s·ln N over the points given (all y > 0, at
    /// least two distinct N); NaN otherwise. No interval: `LogLogSlope` is the one with a
    /// confidence interval; this is the bare estimate (the gate's exact counters, local slopes).
    public static func logLogSlope(sizes: [Int], values: [Double]) -> Double {
        guard sizes.count == values.count, sizes.count >= 2, values.allSatisfy({ $0 > 0 && $0.isFinite }) else { return .nan }
        let x = sizes.map { log(Double($0)) }, y = values.map { log($0) }
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        guard sxx > 0 else { return .nan }
        return zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / sxx
    }
}

/// The one number formatter of reports: significant digits, fixed decimals, seconds and bytes with
/// a readable unit.
public enum NumberFormat {
    /// `%.{digits}g`.
    public static func significant(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)g", value) }

    /// `%.{digits}f`.
    public static func fixed(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }

    /// Seconds as s, ms or µs with three significant digits.
    public static func seconds(_ value: Double) -> String {
        let a = abs(value)
        if a >= 1 { return "\(significant(value)) s" }
        if a >= 1e-3 { return "\(significant(value * 1e3)) ms" }
        return "\(significant(value * 1e6)) µs"
    }

    /// Bytes as B, KiB, MiB or GiB (binary prefixes) with three significant digits (four for B).
    public static func bytes(_ value: Double) -> String {
        let a = abs(value)
        let kib = 1024.0, mib = kib * kib, gib = mib * kib
        if a >= gib { return "\(significant(value / gib)) GiB" }
        if a >= mib { return "\(significant(value / mib)) MiB" }
        if a >= kib { return "\(significant(value / kib)) KiB" }
        return "\(significant(value, 4)) B"
    }

    /// A percentage with one decimal, "97.5%".
    public static func percent(_ fraction: Double) -> String { "\(fixed(100 * fraction, 1))%" }
}
