import Foundation
import Testing
@testable import Verification

/// The Richardson central difference (GSL's gsl_deriv_central algorithm) on functions with known derivatives.
@Suite struct CentralDifferenceTests {
    @Test func derivativesOfKnownFunctionsAreWithinTheirErrorEstimate() throws {
        let cases: [(String, (Double) -> Double, (Double) -> Double, Double)] = [
            ("sin", sin, cos, 0.7), ("exp", exp, exp, -1.3), ("x^3", { $0 * $0 * $0 }, { 3 * $0 * $0 }, 2.0),
            ("log1p(e^x)", { log1p(exp($0)) }, { 1 / (1 + exp(-$0)) }, 0.3),
        ]
        for (name, f, df, x) in cases {
            let d = try CentralDifference.derivative(at: x) { f($0) }
            #expect(abs(d.value - df(x)) <= 10 * d.abserr, "\(name): \(d.value) vs \(df(x)), abserr \(d.abserr)")
            #expect(d.abserr > 0 && d.abserr < 1e-7, "\(name): abserr \(d.abserr)")
        }
    }

    /// With a poor step (0.5) the estimate still bounds the actual error (GSL retries at h_opt).
    @Test func poorStepsStayWithinTheirErrorEstimate() throws {
        for h in [0.5, 0.1, 1e-3, 1e-8] {
            let d = try CentralDifference.derivative(at: 1, step: h) { exp($0) }
            #expect(abs(d.value - exp(1)) <= d.abserr * 10, "h = \(h): \(d.value), abserr \(d.abserr)")
        }
    }

    @Test func errorsFromTheFunctionAreRethrown() {
        struct Boom: Error {}
        #expect(throws: Boom.self) { try CentralDifference.derivative(at: 0) { _ in throw Boom() } }
    }
}
