/// A differentiable scalar function of a parameter vector θ (length P) with a hand-written gradient:
/// the public entry point for checking a model defined outside SAMKit (e.g. `Examples/`).
///
/// The harness compares ``gradient(_:)`` with `gsl_deriv_central`-style central differences of
/// ``loss(_:)`` (``CentralDifference``), coordinate by coordinate, under
/// ``Tolerance/finiteDifference(abserr:condition:step:gradientScale:)``, the same engine and bound
/// `samkit verify --mode replay` applies to SAM and DAM.
public protocol GradientCheckable {
    /// P, the number of parameters.
    var parameterCount: Int { get }
    /// L(θ) for θ of length P.
    func loss(_ parameters: [Double]) throws -> Double
    /// ∂L/∂θ at θ, length P: the gradient under test.
    func gradient(_ parameters: [Double]) throws -> [Double]
}

/// The verdict of ``GradientCheck/run(_:at:step:)``.
public struct GradientCheckReport: Sendable {
    /// Whether every coordinate is within its tolerance.
    public let passed: Bool
    /// Coordinates compared (P).
    public let compared: Int
    /// Coordinates outside their tolerance.
    public let failures: Int
    /// The coordinate whose error is largest relative to its tolerance (`nil` when P = 0).
    public let worst: Discrepancy?
}

/// A gradient passed to the harness that cannot be judged: wrong length or non-finite values.
public struct GradientCheckError: Error, Equatable, CustomStringConvertible {
    /// What is wrong, naming the quantity and the valid form.
    public let reason: String
    /// "gradient check: REASON".
    public var description: String { "gradient check: \(reason)" }
}

/// Checks the gradient of any ``GradientCheckable`` against central finite differences.
public enum GradientCheck {
    /// Compares `model.gradient(θ)` with central differences of `model.loss` at θ = `parameters`,
    /// every coordinate, step `step`.
    /// - Throws: ``GradientCheckError`` when θ, L(θ) or the gradient has the wrong length or is not
    ///   finite (the check cannot judge then), or whatever the model throws.
    public static func run(_ model: some GradientCheckable, at parameters: [Double],
                           step: Double = CentralDifference.defaultStep) throws -> GradientCheckReport {
        let p = model.parameterCount
        guard parameters.count == p else {
            throw GradientCheckError(reason: "θ has \(parameters.count) entries (valid: parameterCount = \(p))")
        }
        guard step > 0, step.isFinite else { throw GradientCheckError(reason: "step = \(step) (valid: finite and > 0)") }
        let analytic = try model.gradient(parameters)
        guard analytic.count == p else {
            throw GradientCheckError(reason: "the gradient has \(analytic.count) entries (valid: parameterCount = \(p))")
        }
        if let i = analytic.firstIndex(where: { !$0.isFinite }) {
            throw GradientCheckError(reason: "gradient[\(i)] = \(analytic[i]) (valid: finite)")
        }
        let loss = try model.loss(parameters)
        guard loss.isFinite else { throw GradientCheckError(reason: "loss = \(loss) (valid: finite)") }
        // κ = Σ|∂L/∂θ_i · θ_i|, the loss's condition (Tolerance.finiteDifference).
        let condition = zip(analytic, parameters).reduce(0) { $0 + abs($1.0 * $1.1) }
        let scale = analytic.reduce(0) { max($0, abs($1)) }
        var theta = parameters
        var worst: Discrepancy?, failures = 0
        for i in 0..<p {
            let d = try CentralDifference.derivative(at: parameters[i], step: step) { x in
                theta[i] = x
                return try model.loss(theta)
            }
            theta[i] = parameters[i]
            let found = Discrepancy(coordinate: Coordinate(name: "θ", index: i, shape: [p]), analytic: analytic[i], numeric: d.value,
                                    tolerance: .finiteDifference(abserr: d.abserr, condition: condition, step: step, gradientScale: scale))
            if found.excess > 1 { failures += 1 }
            if worst.map({ found.excess > $0.excess }) ?? true { worst = found }
        }
        return GradientCheckReport(passed: failures == 0, compared: p, failures: failures, worst: worst)
    }
}
