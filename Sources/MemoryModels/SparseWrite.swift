import SAMNumerics

/// The backward of one head's sparse write (SPEC step 4), shared by SAM and the SDNC:
/// wW_j = α_j (γ_j wR_{t-1,j} + (1 − γ_j) e_{u_j}) and M_t = M' + Σ_j wW_j a_jᵀ (Proofs/write.md).
enum SparseWrite<Scalar: ModelScalar> {
    /// Given dL/dM_t in `dM` on the rows written: dL/da_j into ξ's a_j slot, dL/dα̂_j and dL/dγ̂_j into
    /// theirs (`dxi` is head j's slice), and α_j γ_j dL/dwW_j(row) added to `dwPrevious` (one per
    /// previous slot). The previous read is `count` (row, weight) slots, a negative row an empty slot;
    /// nil before the first step. `writeGradient`, indexed by row, is a further dL/dwW_j(i) from outside
    /// the memory (the SDNC's full link gradient, Proofs/sdnc-gradients.md step 5); nil: none. O(count·W).
    static func backward(_ head: HeadInterface<Scalar>, width w: Int, previousRows: UnsafePointer<Int32>?,
                         previousWeights: UnsafePointer<Scalar>?, count: Int, leastUsed: Int,
                         dM: SparseRowGradient<Scalar>, dxi base: UnsafeMutablePointer<Scalar>,
                         dwPrevious: UnsafeMutablePointer<Scalar>, dropWriteGate: Bool,
                         writeGradient: UnsafePointer<Scalar>? = nil) {
        let alpha = head.writeGate, gamma = head.interpolation, da = base + w + 1
        var dAlpha: Scalar = 0, dGamma: Scalar = 0
        if let previousRows, let previousWeights {
            for m in 0..<count where previousRows[m] >= 0 {
                let row = dM.row(Int(previousRows[m])), wPrevious = previousWeights[m]
                let dWrite = Scalar.dot(w, row, head.addition) + (writeGradient?[Int(previousRows[m])] ?? 0)   // dL/dwW_j(i)
                Scalar.axpy(w, alpha: alpha * gamma * wPrevious, row, da)
                dAlpha += dWrite * gamma * wPrevious
                dGamma += dWrite * alpha * wPrevious
                dwPrevious[m] += alpha * gamma * dWrite
            }
        }
        let u = dM.row(leastUsed)
        let dWrite = Scalar.dot(w, u, head.addition) + (writeGradient?[leastUsed] ?? 0)
        Scalar.axpy(w, alpha: alpha * (1 - gamma), u, da)
        dAlpha += dWrite * (1 - gamma)
        dGamma -= dWrite * alpha
        base[2 * w + 1] = dropWriteGate ? 0 : dAlpha * alpha * (1 - alpha)
        base[2 * w + 2] = dGamma * gamma * (1 - gamma)
    }
}
