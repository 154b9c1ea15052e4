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

    /// `coordinates`: check only a seeded sample of that many coordinates (at least each block's largest
    /// analytic entry, so every block keeps a detection floor); nil checks every coordinate.
    public static func run(_ c: VerificationCase, replay: Bool, step: Double = CentralDifference.defaultStep,
                           fault: GradientFault? = nil, coordinates: Int? = nil,
                           perturbation: GradientPerturbation? = nil) throws -> CheckResult {
        let probe = try Probe(c, fault: fault, perturbation: perturbation)
        var tracker = WorstTracker(), judgement = BlockJudgement()
        var kinks: [Kink] = [], kinkCount = 0
        var numeric = [Double](repeating: .nan, count: probe.coordinateCount)
        let lossRounding = Tolerance.lossRounding(condition: probe.condition, step: step)
        let chosen = coordinates.map { sample(probe, $0, seed: c.seed) }
        for (name, range) in probe.blocks {
            judgement.begin(name)
            for i in range where chosen?.contains(i) ?? true {
                let x0 = probe.value(i)
                var flipped: String?
                let d = try CentralDifference.derivative(at: x0, step: step) { x in
                    try probe.set(i, x)
                    let (loss, flip) = try probe.evaluate(replay: replay)
                    if flipped == nil { flipped = flip }
                    return loss
                }
                try probe.set(i, x0)
                if let flipped {
                    kinkCount += 1
                    if kinks.count < namedKinks { kinks.append(Kink(coordinate: probe.coordinate(i), decision: flipped)) }
                    continue
                }
                numeric[i] = d.value
                let tolerance = Tolerance.finiteDifference(abserr: d.abserr, condition: probe.condition, step: step,
                                                           gradientScale: probe.gradientScale)
                tracker.add(Discrepancy(coordinate: probe.coordinate(i), analytic: probe.analytic[i], numeric: d.value,
                                        tolerance: tolerance))
                judgement.add(analytic: probe.analytic[i], numeric: d.value, tolerance: tolerance.value,
                              rounding: d.rounding + lossRounding)
            }
        }
        return CheckResult(check: replay ? .replay : .free, verificationCase: c, passed: !tracker.failed,
                           worst: tracker.worst, compared: tracker.compared, kinkCount: kinkCount, kinks: kinks,
                           normwiseRelativeError: normwise(probe, numeric),
                           cannotJudge: judgement.reason(compared: tracker.compared, kinks: kinkCount,
                                                         total: tracker.compared + kinkCount),
                           detectionFloors: judgement.floors, indexWork: probe.indexWork)
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
    static func normwise(_ probe: Probe, _ numeric: [Double]) -> Double {
        var difference = 0.0, scale = 0.0
        for i in numeric.indices where !numeric[i].isNaN {
            difference = max(difference, abs(probe.analytic[i] - numeric[i]))
            scale = max(scale, abs(numeric[i]), abs(probe.analytic[i]))
        }
        return scale > 0 ? difference / scale : 0
    }
}
