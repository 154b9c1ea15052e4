import MemoryModels
import SAMNumerics

/// Fast mode: along seeded random unit directions u over all coordinates (parameters and inputs),
/// compare the central difference of L(θ + t·u) at t = 0 with ∇L·u, decisions held fixed.
/// Tolerance per direction: `Tolerance.finiteDifference` from that direction's `abserr`.
public enum DirectionalCheck {
    /// Random directions per case unless told otherwise.
    public static let defaultDirections = 4

    /// Compares the directional derivative of the loss, along `directions` seeded random directions
    /// over every parameter and input, with its central difference of step `step`.
    public static func run(_ c: VerificationCase, directions: Int = defaultDirections,
                           step: Double = CentralDifference.defaultStep, fault: GradientFault? = nil) throws -> CheckResult {
        let probe = try Probe(c, fault: fault)
        let base = probe.values()
        var rng = SeededGenerator(seed: c.seed ^ 0x5EED_D1EC)
        var tracker = WorstTracker(), judgement = BlockJudgement()
        judgement.begin("directions")
        var analyticScale = 0.0
        var results: [(Double, Double)] = []
        for d in 0..<directions {
            var u: [Double] = (0..<base.count).map { _ in rng.normal() }
            let norm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
            u = u.map { $0 / norm }
            let analytic = zip(probe.analytic, u).reduce(0) { $0 + $1.0 * $1.1 }
            let derivative = try CentralDifference.derivative(at: 0, step: step) { t in
                try probe.set(base: base, direction: u, t: t)
                return try probe.evaluate(replay: true).loss
            }
            try probe.set(base: base, direction: u, t: 0)
            analyticScale = max(analyticScale, abs(analytic))
            results.append((analytic, derivative.value))
            let tolerance = Tolerance.finiteDifference(abserr: derivative.abserr, condition: probe.condition, step: step,
                                                       gradientScale: probe.gradientScale)
            tracker.add(Discrepancy(coordinate: Coordinate(name: "direction", index: d, shape: [directions]),
                                    analytic: analytic, numeric: derivative.value, tolerance: tolerance))
            judgement.add(analytic: analytic, numeric: derivative.value, tolerance: tolerance.value,
                          rounding: derivative.rounding + Tolerance.lossRounding(condition: probe.condition, step: step))
        }
        let difference = results.reduce(0) { max($0, abs($1.0 - $1.1)) }
        let scale = results.reduce(0) { max($0, abs($1.0), abs($1.1)) }
        return CheckResult(check: .fast, verificationCase: c, passed: !tracker.failed, worst: tracker.worst,
                           compared: tracker.compared, normwiseRelativeError: scale > 0 ? difference / scale : 0,
                           cannotJudge: judgement.reason(compared: tracker.compared, total: directions),
                           detectionFloors: judgement.floors, indexWork: probe.indexWork)
    }
}
