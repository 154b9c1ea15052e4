import MemoryModels
import SAMNumerics

/// The componentwise size of the output layer's gradient entries (Proofs/float-precision.md, term 2):
/// per entry, Σ over the terms it sums of |term|, from the Double model's own tape.
///
/// SPEC step 6, y_t = Wy v_t + by with v_t = [h_t ; r_t], so dL/dWy(o, i) = Σ_t dy_t(o)·v_t(i) and
/// dL/dby(o) = Σ_t dy_t(o), and nothing else reaches them. Float rounds each term relative to itself,
/// and dy_t(o) relative to the terms *it* is computed from (SPEC loss: m_t·(σ(y) − z) for sigmoid
/// cross-entropy, m_t·2(y − z)/Y for mean squared error), so the rounding of entry (o, i) is bounded
/// by what these magnitudes give, not by the block's largest entry or the largest gradient:
///
///     A_Wy(o, i) = Σ_t d̄_t(o)·|v_t(i)|,   A_by(o) = Σ_t d̄_t(o),
///     d̄_t(o) = |m_t|·(σ(y_t(o)) + |z_t(o)|)            (sigmoid cross-entropy)
///     d̄_t(o) = |m_t|·2(|y_t(o)| + |z_t(o)|)/Y          (mean squared error).
///
/// Shapes: `inputs` v [T, H + R·W], `outputs` y [T, Y], `targets` z [T, Y], `mask` m [T]; the result
/// is [Y, H + R·W] for output.W and [Y] for output.b, row-major like the gradients.
enum OutputLayerTerms {
    /// A_Wy and A_by (SPEC names `output.W`, `output.b`).
    static func magnitudes(loss: LossKind, inputs v: [Double], outputs y: [Double], targets z: [Double],
                           mask: [Double], outputSize: Int) -> [String: [Double]] {
        let steps = mask.count, width = steps == 0 ? 0 : v.count / steps
        var weights = [Double](repeating: 0, count: outputSize * width), biases = [Double](repeating: 0, count: outputSize)
        for t in 0..<steps {
            for o in 0..<outputSize {
                let k = t * outputSize + o
                let d = abs(mask[t]) * (loss == .sigmoidCrossEntropy
                    ? Activation.sigmoid(y[k]) + abs(z[k])
                    : 2 * (abs(y[k]) + abs(z[k])) / Double(outputSize))
                biases[o] += d
                for i in 0..<width { weights[o * width + i] += d * abs(v[t * width + i]) }
            }
        }
        return ["output.W": weights, "output.b": biases]
    }
}
