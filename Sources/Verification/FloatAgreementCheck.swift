@_spi(FaultInjection) import MemoryModels
import SAMNumerics

/// Float is verified against Double at the same Float-representable point (Proofs/float-precision.md).
///
/// The Float model runs a training forward (its own index and decisions) and backward. The Double
/// model starts from the same point, every parameter, input and M_0 entry widened exactly from Float,
/// replays the Float run's decisions, and gives the reference: loss, outputs y [T, Y], every parameter
/// gradient (SPEC names) and dL/dx [T, X]. Each entry of a block b must satisfy
///
///     |q_Float − q_Double| ≤ τ_b = safety · (S_b + R_b + √n · u · M_b + u · G_b),   u = Float.ulpOfOne / 2,
///
/// M_b = max|q| over the block; G_b, for a gradient block only, the larger of the largest entry of
/// *any* gradient and Σ_t,o |dL/dy_t,o| (a gradient entry can be a cancellation of back-propagated
/// terms that large, and Float rounds each term), 0 for the loss and outputs. The √n growth applies
/// to the block's own scale only: with it on G_b, a small gradient block's bound was vacuous at
/// N = 2^14 (Proofs/float-precision.md, term 2). The output layer's entries (output.W, output.b) sum
/// terms the Double model's tape gives exactly, so each entry i gets its own bound instead of u · G_b:
///
///     τ_b,i = safety · (S_b + R_b + √n · u · M_b + (√T + 2) · u · A_i)      (`OutputLayerTerms`),
///
/// A_i = Σ |terms| of entry i; with u · G_b a 1e-4 fault on output.W was missed in 4 of 60 sweep
/// cases (G_b/M_b ≈ 500 when h_t is small).
///
/// where S_b, the block's sensitivity to Float rounding, is measured on the Double model: the largest
/// change of any entry of b when every datum v (parameters, inputs, M_0) is replaced by v·(1 + u·σ_v),
/// σ_v = ±1 at random, over `draws` draws (a statistical condition estimate: S_b ≈ u·κ_b). A
/// backward-stable Float evaluation is the exact one at data perturbed by O(u) relative, so its error
/// is of the size S_b for the data's rounding; √n·u·M_b is the rounding inside the read sum, which the
/// data perturbation does not see (it misses sums that cancel): n is the length of the read sum, N rows for
/// DAM and K for SAM, the one sum whose length grows with the configuration (rounding errors of a sum
/// of n terms grow as √n·u·Σ|terms| with high probability, Higham and Mary 2019); `safety` covers the
/// fixed-length sums (a few hundred terms at most) and the roundings an entry accumulates over T steps.
/// R_b is the Float model's own rounding noise (`FloatRun.noise`): roundings inside intermediate
/// cancellations, such as the cosine's backward at W = 1, which neither S_b nor M_b bounds.
/// The check cannot judge a block whose τ_b is ≥ 0.1 × its largest entry (`BlockJudgement`).
/// The bound is computed by `FloatBound` (shared with `CaseCheck` on float32 case files); the Float
/// run and R_b by `FloatRun`.
public enum FloatAgreementCheck {
    /// s, the safety factor of the bound (Proofs/float-precision.md, term 4).
    public static let safety = 10.0
    /// Random draws of the data perturbation that measure S_b and R_b.
    public static let draws = 2
    /// Float's unit roundoff.
    public static let unitRoundoff = Double(Float.ulpOfOne) / 2

    /// `perturbation`: a fault sweep's relative change to the Float gradient (a Float-only fault site).
    public static func run(_ c: VerificationCase, fault: GradientFault? = nil,
                           perturbation: GradientPerturbation? = nil) throws -> CheckResult {
        let run = try FloatRun(c, fault: fault)
        var observed = run.blocks
        let noise = try run.noise(seed: c.seed)
        if let perturbation {
            var flat = Array(observed.dropFirst(2).joined())
            var blocks: [(String, Range<Int>)] = [], offset = 0
            for (name, block) in zip(run.model.parameters.slices.map(\.name) + ["inputs"], observed.dropFirst(2)) {
                blocks.append((name, offset..<(offset + block.count)))
                offset += block.count
            }
            perturbation.apply(to: &flat, blocks: blocks)
            for (b, (_, range)) in blocks.enumerated() { observed[b + 2] = Array(flat[range]) }
        }
        let point = FloatBound.Point(kind: c.model, configuration: c.configuration, parameters: run.parameters,
                                     inputs: run.inputs, targets: run.targets, mask: run.mask, memory: run.memory,
                                     decisions: run.decisions, seed: c.seed)
        let bound = try FloatBound(point, observed: observed, noise: noise)
        return CheckResult(check: .floatAgreement, verificationCase: c, passed: !bound.tracker.failed,
                           worst: bound.tracker.worst, compared: bound.tracker.compared, notes: bound.blocks.map(\.note),
                           normwiseRelativeError: bound.normwise,
                           cannotJudge: bound.judgement.reason(compared: bound.tracker.compared, total: bound.tracker.compared),
                           detectionFloors: bound.judgement.floors)
    }
}
