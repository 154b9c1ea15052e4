import SAMNumerics

/// Content-based addressing units shared by SAM and DAM (SPEC step 5), each with its backward.
/// Proofs: Proofs/cosine-similarity.md, Proofs/sparse-softmax.md, Proofs/dense-softmax.md.
@usableFromInline
enum ContentAddressing<Scalar: ModelScalar> {
    /// s = (q·m) / (‖q‖_ε ‖m‖_ε) for one row `m` (W), given `queryNorm` = ‖q‖_ε. Returns (s, ‖m‖_ε).
    static func cosine(_ q: UnsafePointer<Scalar>, queryNorm: Scalar, _ m: UnsafePointer<Scalar>,
                       width: Int, epsilon: Scalar) -> (similarity: Scalar, rowNorm: Scalar) {
        let rowNorm = stabilisedNorm(m, count: width, epsilon: epsilon)
        return (Scalar.dot(width, q, m) / (queryNorm * rowNorm), rowNorm)
    }

    /// Backward of `cosine` for one row: given ds = dL/ds,
    /// dq += ds·(m / (‖q‖‖m‖) − s·q / ‖q‖²) and dm += ds·(q / (‖q‖‖m‖) − s·m / ‖m‖²).
    static func cosineBackward(_ q: UnsafePointer<Scalar>, queryNorm: Scalar, _ m: UnsafePointer<Scalar>,
                               rowNorm: Scalar, similarity s: Scalar, gradient ds: Scalar, width: Int,
                               dq: UnsafeMutablePointer<Scalar>, dm: UnsafeMutablePointer<Scalar>) {
        let cross = ds / (queryNorm * rowNorm)
        Scalar.axpy(width, alpha: cross, m, dq)
        Scalar.axpy(width, alpha: -ds * s / (queryNorm * queryNorm), q, dq)
        Scalar.axpy(width, alpha: cross, q, dm)
        Scalar.axpy(width, alpha: -ds * s / (rowNorm * rowNorm), m, dm)
    }

    /// w_k = exp(β s_k) / Σ_l exp(β s_l) over `count` entries (K for SAM, N for DAM), shifted by the
    /// maximum for stability. Entries with `included[k] == false` (masked DAM) get weight 0.
    static func softmax(strength beta: Scalar, similarities s: UnsafePointer<Scalar>, count: Int,
                        weights w: UnsafeMutablePointer<Scalar>, included: ((Int) -> Bool)? = nil) {
        var top = -Scalar.infinity
        for k in 0..<count where included?(k) ?? true { top = max(top, beta * s[k]) }
        var total: Scalar = 0
        for k in 0..<count {
            if included?(k) ?? true {
                w[k] = Scalar.exp(beta * s[k] - top)
                total += w[k]
            } else {
                w[k] = 0
            }
        }
        for k in 0..<count { w[k] /= total }
    }

    /// Backward of `softmax`: on entry `dw` holds dL/dw; on exit it holds dL/ds = β·w⊙(dw − Σ w·dw).
    /// Returns dL/dβ = Σ_k w_k (dw_k − Σ w·dw) s_k.
    static func softmaxBackward(strength beta: Scalar, similarities s: UnsafePointer<Scalar>,
                                weights w: UnsafePointer<Scalar>, count: Int,
                                gradient dw: UnsafeMutablePointer<Scalar>) -> Scalar {
        let mean = Scalar.dot(count, w, dw)
        var dBeta: Scalar = 0
        for k in 0..<count {
            let dExponent = w[k] * (dw[k] - mean)
            dBeta += dExponent * s[k]
            dw[k] = beta * dExponent
        }
        return dBeta
    }
}
