/// A tolerance and where it came from, so a failure report can say why the bound is what it is.
public struct Tolerance: Codable, Sendable, Equatable {
    /// The bound on |analytic − reference|.
    public let value: Double
    /// How the bound was derived, for a person.
    public let source: String

    public init(value: Double, source: String) {
        self.value = value
        self.source = source
    }

    /// Safety factor on the central difference's `abserr`: it estimates the size of the finite-difference error (each
    /// loss value taken as correct to one ulp), not a bound; the loss sums many rounded products, so
    /// its real rounding is a few ulps. Measured: clean runs stay below 0.1 of the resulting bound.
    public static let finiteDifferenceSafety = 10.0

    /// The finite-difference bound: `safety · abserr + ε·scale`, where ε·scale is one ulp of the largest
    /// analytic entry (the analytic side's own rounding, so an exact zero never needs an exact zero).
    public static func finiteDifference(abserr: Double, gradientScale: Double) -> Tolerance {
        Tolerance(value: finiteDifferenceSafety * abserr + Double.ulpOfOne * gradientScale,
                  source: "10 x abserr of the Richardson central difference (gsl_deriv_central algorithm) (\(format(abserr))) + 1 ulp of max|gradient|")
    }

    /// Two implementations of the same function that differ only in summation order (SAM with K = N
    /// and DAM; SAM and a masked DAM): norm-wise relative 1e-10. Their rounding is ~n·ε ≈ 1e-13 for the
    /// sums involved (n ≤ a few hundred); 1e-10 leaves 1000x headroom yet catches any real term (≥ 1e-6).
    public static let denseRelative = 1e-10

    /// Structural checks (backward twice, zero upstream gradient, memory restored): bit-exact.
    public static let exact = Tolerance(value: 0, source: "bit-exact by contract (MemoryModel docs, SPEC journal)")
}

/// Short scientific formatting for tables and reports.
public func format(_ x: Double) -> String {
    if x == 0 { return "0" }
    if !x.isFinite { return "\(x)" }
    var exponent = 0
    var m = abs(x)
    while m >= 10 { m /= 10; exponent += 1 }
    while m < 1 { m *= 10; exponent -= 1 }
    let rounded = (m * 100).rounded() / 100
    let mantissa = rounded >= 10 ? 1.0 : rounded
    if rounded >= 10 { exponent += 1 }
    let sign = x < 0 ? "-" : ""
    let digits = String(mantissa)
    let padded = digits.count < 4 ? digits + String(repeating: "0", count: 4 - digits.count) : String(digits.prefix(4))
    return "\(sign)\(padded)e\(exponent >= 0 ? "+" : "-")\(abs(exponent) < 10 ? "0" : "")\(abs(exponent))"
}
