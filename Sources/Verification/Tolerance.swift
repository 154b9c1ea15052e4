/// A tolerance and where it came from, so a failure report can say why the bound is what it is.
public struct Tolerance: Codable, Sendable, Equatable {
    /// The bound on |analytic − reference|.
    public let value: Double
    /// How the bound was derived, for a person.
    public let source: String

    /// A tolerance of `value`, explained by `source`.
    public init(value: Double, source: String) {
        self.value = value
        self.source = source
    }

    /// Safety factor on the estimated finite-difference error: the estimate gives its size, not a bound.
    /// Measured: clean runs (200 cases x 2 models) stay below 0.3 of the resulting bound.
    public static let finiteDifferenceSafety = 10.0

    /// The finite-difference bound of one coordinate:
    /// `safety · (abserr + ε·κ/h) + ε·max|∇|`, where
    /// - `abserr` is the Richardson estimate (truncation |r₅ − r₃|/h plus rounding, each loss value
    ///   taken as correct to one ulp of |L|, as `gsl_deriv_central` does);
    /// - ε·κ/h is the rounding that estimate misses when L is a small result of larger intermediate
    ///   values (e.g. a mean squared error near 0): under backward-stable evaluation the computed loss
    ///   is L(v(1 + δ)) with |δ| ≲ ε for every parameter and input v, so its error is ≲ ε·κ with
    ///   κ = Σ_v |∂L/∂v · v| (the loss's condition), and a central difference divides that by h;
    /// - ε·max|∇| is one ulp of the largest analytic entry (the analytic side's own rounding).
    public static func finiteDifference(abserr: Double, condition: Double, step: Double,
                                        gradientScale: Double) -> Tolerance {
        let rounding = lossRounding(condition: condition, step: step)
        return Tolerance(value: finiteDifferenceSafety * (abserr + rounding) + Double.ulpOfOne * gradientScale,
                         source: "10 x (Richardson/gsl_deriv_central abserr \(format(abserr)) + ε·Σ|∂L/∂v·v|/h "
                             + "\(format(rounding))) + 1 ulp of max|∇|")
    }

    /// ε·κ/h: the rounding of the computed loss (condition κ) seen through a central difference of step h.
    public static func lossRounding(condition: Double, step: Double) -> Double {
        Double.ulpOfOne * condition / step
    }

    /// The central-difference steps h for which the derived tolerance can mean anything (Proofs/README.md,
    /// "Finite-difference step"): below 1e-9 the rounding term 10·ε·κ/h exceeds 2e-6·κ, which is
    /// ≥ 0.1 × the largest gradient entry whenever κ/max|∇| ≥ 5e4; above 1e-2 the Richardson estimate's
    /// h⁴ truncation and decision flips (coordinates are O(1)) dominate. Steps outside are refused.
    public static let validSteps: ClosedRange<Double> = 1e-9...1e-2

    /// Two implementations of the same function that differ only in summation order (SAM with K = N
    /// and DAM; SAM and a masked DAM): 1e-10 relative to the scale of the quantity: |loss| and max|y|
    /// for the loss and outputs, the largest entry of *any* gradient for gradients (a small gradient
    /// entry can be a cancellation of back-propagated terms as large as that). Their rounding is
    /// ~n·ε ≈ 1e-13 for the sums involved (n ≤ a few hundred); 1e-10 leaves 1000x headroom.
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
