import Foundation

/// A numerical derivative and an estimate of its absolute error.
public struct NumericDerivative: Sendable, Equatable {
    /// f'(x): the Richardson-extrapolated (5-point) central difference.
    public let value: Double
    /// Estimated absolute error: truncation |r₅ − r₃|/h (5-point against 3-point rule) plus rounding
    /// (each function value taken as correct to one ulp, plus the rounding of x ± h).
    public let abserr: Double
    /// The rounding part of `abserr` (each function value's ulp, and the rounding of x ± h).
    public let rounding: Double
    /// The step of the rule kept (h, or the retry's h_opt).
    public var step: Double = CentralDifference.defaultStep
}

/// Central differences with Richardson extrapolation and an error estimate: the algorithm of GSL's
/// `gsl_deriv_central` (GSL 2.x, deriv/deriv.c), written out in Swift.
///
/// Why not call GSL itself: the `CGSL` module pulls in GSL's `gsl_cblas.h`, whose `CBLAS_TRANSPOSE`
/// differs from OpenBLAS's `cblas.h` (module `CBLAS`); a target that sees both (Verification does,
/// through SAMNumerics) fails to compile. The algorithm is 20 lines, so it lives here.
///
/// f is evaluated at x ± h and x ± h/2 (r₃ = (f(x+h) − f(x−h))/2, r₅ = 4/3 (f(x+h/2) − f(x−h/2)) − r₃/3);
/// if rounding < truncation it retries once with h_opt = h·(round / 2·trunc)^(1/3) and keeps the
/// retry when its error is smaller and it agrees within 4 error estimates. 4 or 8 evaluations.
public enum CentralDifference {
    /// The default step, 1e-6 (the parameters and inputs are O(1)).
    public static let defaultStep = 1e-6

    /// f'(x) with step `h`, and its error estimate.
    public static func derivative(at x: Double, step h: Double = defaultStep,
                                  _ f: (Double) throws -> Double) throws -> NumericDerivative {
        let first = try rule(f, x, h)
        var value = first.value, error = first.round + first.trunc, rounding = first.round, used = h
        if first.round < first.trunc && first.round > 0 && first.trunc > 0 {
            let hOpt = h * cbrt(first.round / (2 * first.trunc))
            let retry = try rule(f, x, hOpt)
            let errorOpt = retry.round + retry.trunc
            if errorOpt < error && abs(retry.value - value) < 4 * error {
                value = retry.value
                error = errorOpt
                rounding = retry.round
                used = hOpt
            }
        }
        return NumericDerivative(value: value, abserr: error, rounding: rounding, step: used)
    }

    /// f'(x) at the step, from `step` up by factors of 10 to at most `widest`, whose error bound
    /// `bound(d)` is smallest: the derivative at `step`, then, while the bound exceeds `target(d)` and the
    /// rounding dominates it, the next wider step, kept when its bound is smaller and its value agrees
    /// with the kept one within the sum of both bounds (a wider step whose truncation took over, or
    /// whose value moved, ends the search). Rounding falls as 1/h and the Richardson truncation as the
    /// estimate |r₅ − r₃|/h says, so a coordinate whose bound is rounding drawn gets a smaller bound
    /// where the function is smooth enough, and the same one where it is not.
    public static func widening(at x: Double, step: Double, widest: Double, bound: (NumericDerivative) -> Double,
                                target: (NumericDerivative) -> Double, roundingShare: (NumericDerivative) -> Double,
                                _ f: (Double) throws -> Double) throws -> NumericDerivative {
        var kept = try derivative(at: x, step: step, f)
        var h = step
        while bound(kept) > target(kept) && roundingShare(kept) > 0.5 && h * 10 <= widest {
            h *= 10
            let wider = try derivative(at: x, step: h, f)
            guard bound(wider) < bound(kept) && abs(wider.value - kept.value) <= bound(wider) + bound(kept) else { break }
            kept = wider
        }
        return kept
    }

    /// One 5-point central rule at step h with its rounding and truncation estimates.
    private static func rule(_ f: (Double) throws -> Double, _ x: Double, _ h: Double) throws
        -> (value: Double, round: Double, trunc: Double) {
        let fm1 = try f(x - h), fp1 = try f(x + h)
        let fmh = try f(x - h / 2), fph = try f(x + h / 2)
        let r3 = 0.5 * (fp1 - fm1)
        let r5 = (4.0 / 3.0) * (fph - fmh) - (1.0 / 3.0) * r3
        let e3 = (abs(fp1) + abs(fm1)) * Double.ulpOfOne
        let e5 = 2 * (abs(fph) + abs(fmh)) * Double.ulpOfOne + e3
        let dy = max(abs(r3 / h), abs(r5 / h)) * (abs(x) / h) * Double.ulpOfOne
        return (r5 / h, abs(e5 / h) + dy, abs((r5 - r3) / h))
    }
}
