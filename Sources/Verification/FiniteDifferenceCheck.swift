import MemoryModels
import SAMNumerics

/// Slow mode: every coordinate of every parameter and input against `gsl_deriv_central`.
///
/// - replay (`replay: true`): the recorded decisions are held fixed in every evaluation, so f is the
///   smooth function the backward differentiates; every coordinate must be within its tolerance.
/// - free (`replay: false`): plain finite differences; a coordinate whose perturbation changes any
///   decision at any evaluation point is a kink: counted, named, and neither passed nor failed.
///
/// Each coordinate's tolerance: `Tolerance.finiteDifference` from that coordinate's `abserr`.
public enum FiniteDifferenceCheck {
    /// Kinks named in a result (all are counted).
    static let namedKinks = 5
    /// Replay mode widens a coordinate's step (x10 at a time, up to this) while its bound is drawn by
    /// rounding and exceeds `resolvedFault` x its entry (`CentralDifference.widening`). Within
    /// `Tolerance.validSteps`; with the decisions held fixed no step flips one.
    static let widestStep = 1e-3
    /// The relative fault on one entry a replay bound should resolve with a 10x margin: 1e-4 / 10.
    static let resolvedFault = 1e-5

    /// `coordinates`: check only a seeded sample of that many coordinates (at least each block's largest
    /// analytic entry, so every block keeps a detection floor); nil checks every coordinate.
    public static func run(_ c: VerificationCase, replay: Bool, step: Double = CentralDifference.defaultStep,
                           fault: GradientFault? = nil, coordinates: Int? = nil,
                           perturbation: GradientPerturbation? = nil) throws -> CheckResult {
        try run(c, replay: replay, step: step, fault: fault, coordinates: coordinates,
                perturbations: [perturbation])[0]
    }

    /// One result per entry of `perturbations` (nil: the gradient as computed). The finite differences
    /// never read the analytic gradient, so they are taken once and every perturbed gradient is judged
    /// against them: the same verdicts as one run per perturbation (the fault sweep's sized sites).
    public static func run(_ c: VerificationCase, replay: Bool, step: Double = CentralDifference.defaultStep,
                           fault: GradientFault? = nil, coordinates: Int? = nil,
                           perturbations: [GradientPerturbation?]) throws -> [CheckResult] {
        let probe = try Probe(c, fault: fault)
        var kinks: [Kink] = [], kinkCount = 0
        var measured: [(i: Int, d: NumericDerivative)] = []
        let chosen = coordinates.map { sample(probe, $0, seed: c.seed) }
        for (_, range) in probe.blocks {
            for i in range where chosen?.contains(i) ?? true {
                let x0 = probe.value(i)
                var flipped: String?
                func loss(_ x: Double) throws -> Double {
                    try probe.set(i, x)
                    let (loss, flip) = try probe.evaluate(replay: replay)
                    if flipped == nil { flipped = flip }
                    return loss
                }
                // Replay: where rounding draws the bound, a wider step (up to `widestStep`) lowers it, so a
                // 1e-4 fault on a small entry stays visible. Free mode keeps h: a wider step flips decisions.
                // A step outside `Tolerance.validSteps` is not rescued: it is judged (and refused by the CLI) as given.
                let d = replay && Tolerance.validSteps.contains(step)
                    ? try CentralDifference.widening(
                        at: x0, step: step, widest: max(step, widestStep),
                        bound: { tolerance($0, probe, gradientScale: probe.gradientScale).value },
                        target: { resolvedFault * abs($0.value) },
                        roundingShare: { d in
                            let loss = Tolerance.lossRounding(condition: probe.condition, step: d.step)
                            return (d.rounding + loss) / (d.abserr + loss)
                        }, loss)
                    : try CentralDifference.derivative(at: x0, step: step, loss)
                try probe.set(i, x0)
                if let flipped {
                    kinkCount += 1
                    if kinks.count < namedKinks { kinks.append(Kink(coordinate: probe.coordinate(i), decision: flipped)) }
                    continue
                }
                measured.append((i, d))
            }
        }
        return perturbations.map { perturbation in
            var analytic = probe.analytic
            perturbation?.apply(to: &analytic, blocks: probe.blocks)
            let gradientScale = analytic.reduce(0) { max($0, abs($1)) }
            var tracker = WorstTracker(), judgement = BlockJudgement()
            var numeric = [Double](repeating: .nan, count: probe.coordinateCount)
            var block = -1
            for (i, d) in measured {
                while block < 0 || !probe.blocks[block].1.contains(i) { block += 1; judgement.begin(probe.blocks[block].0) }
                numeric[i] = d.value
                let tolerance = tolerance(d, probe, gradientScale: gradientScale)
                tracker.add(Discrepancy(coordinate: probe.coordinate(i), analytic: analytic[i], numeric: d.value,
                                        tolerance: tolerance))
                judgement.add(analytic: analytic[i], numeric: d.value, tolerance: tolerance.value,
                              rounding: d.rounding + Tolerance.lossRounding(condition: probe.condition, step: d.step))
            }
            return CheckResult(check: replay ? .replay : .free, verificationCase: c, passed: !tracker.failed,
                               worst: tracker.worst, compared: tracker.compared, kinkCount: kinkCount, kinks: kinks,
                               normwiseRelativeError: normwise(analytic, numeric),
                               cannotJudge: judgement.reason(compared: tracker.compared, kinks: kinkCount,
                                                             total: tracker.compared + kinkCount),
                               detectionFloors: judgement.floors, indexWork: probe.indexWork)
        }
    }

    /// A coordinate's bound (`Tolerance.finiteDifference`) at the step its derivative used.
    static func tolerance(_ d: NumericDerivative, _ probe: Probe, gradientScale: Double) -> Tolerance {
        Tolerance.finiteDifference(abserr: d.abserr, condition: probe.condition, step: d.step, gradientScale: gradientScale)
    }

    /// Each block's largest |analytic| entry, then seeded random coordinates up to `count` in all.
    static func sample(_ probe: Probe, _ count: Int, seed: UInt64) -> Set<Int> {
        var chosen = Set(probe.blocks.compactMap { _, r in r.max { abs(probe.analytic[$0]) < abs(probe.analytic[$1]) } })
        var g = SeededGenerator(seed: seed ^ 0xC00D_5A3B)
        let target = min(max(count, chosen.count), probe.coordinateCount)
        while chosen.count < target { chosen.insert(Int.random(in: 0..<probe.coordinateCount, using: &g)) }
        return chosen
    }

    /// max_i |a_i − n_i| / max_i max(|a_i|, |n_i|) over every coordinate that did not kink: the
    /// norm-wise relative error of the whole gradient (a block of entries at rounding level would make
    /// a per-block figure meaningless; the per-coordinate tolerances still judge every entry).
    static func normwise(_ analytic: [Double], _ numeric: [Double]) -> Double {
        var difference = 0.0, scale = 0.0
        for i in numeric.indices where !numeric[i].isNaN {
            difference = max(difference, abs(analytic[i] - numeric[i]))
            scale = max(scale, abs(numeric[i]), abs(analytic[i]))
        }
        return scale > 0 ? difference / scale : 0
    }
}
