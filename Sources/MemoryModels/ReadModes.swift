import SAMNumerics

/// The Sparse DNC's read modes (SPEC "Sparse DNC"): per head, π_j = softmax(π̂_j) over
/// (backward, content, forward), and the mixed read weighting wR_j = π_b b_j + π_c c_j + π_f f_j.
///
/// ξ's layout: SPEC's R slices of 2W+3, then the 3R mode logits, head j's at R*(2W+3) + 3j in the
/// order backward, content, forward (`ModelConfiguration.interfaceSize`).
///
/// A head's mixed weighting is held as 3K slots in the order content (K), forward (K), backward (K),
/// each slot a row (−1: empty) and a weight; rows may repeat across blocks (the sums are linear).
enum ReadModes<Scalar: ModelScalar> {
    /// Slot blocks of a head's 3K slots.
    static var contentBlock: Int { 0 }
    static var forwardBlock: Int { 1 }
    static var backwardBlock: Int { 2 }
    /// Index of each block's mode in π_j (backward, content, forward).
    static func mode(ofBlock block: Int) -> Int { [1, 2, 0][block] }

    /// Offset of head j's mode logits in ξ.
    static func logitOffset(head j: Int, _ c: ModelConfiguration) -> Int { c.heads * c.interfacePerHead + 3 * j }

    /// π = softmax of the 3 logits at `logits`, into `pi`.
    static func modes(_ logits: UnsafePointer<Scalar>, into pi: UnsafeMutablePointer<Scalar>) {
        let top = max(logits[0], logits[1], logits[2])
        var total: Scalar = 0
        for a in 0..<3 { pi[a] = Scalar.exp(logits[a] - top); total += pi[a] }
        for a in 0..<3 { pi[a] /= total }
    }

    /// Backward of `modes`: dπ̂_a = π_a (dπ_a − Σ_b π_b dπ_b), written to `dLogits` (3).
    static func modesBackward(_ pi: UnsafePointer<Scalar>, gradient dPi: UnsafePointer<Scalar>,
                              into dLogits: UnsafeMutablePointer<Scalar>) {
        let mean = pi[0] * dPi[0] + pi[1] * dPi[1] + pi[2] * dPi[2]
        for a in 0..<3 { dLogits[a] = pi[a] * (dPi[a] - mean) }
    }

    /// l(q) = Σ_m C[q][m] w[m] for the K rows of a forward or backward weighting (C: K x 3K recorded
    /// link entries L_t(row q, row of slot m)), into `values` (K).
    static func linkWeighting(_ coefficients: UnsafePointer<Scalar>, previous w: UnsafePointer<Scalar>, k: Int,
                              into values: UnsafeMutablePointer<Scalar>) {
        for q in 0..<k { values[q] = Scalar.dot(3 * k, coefficients + q * 3 * k, w) }
    }

    /// Backward of `linkWeighting` with C held fixed (the recorded link state): dw[m] += Σ_q C[q][m] dl[q].
    static func linkWeightingBackward(_ coefficients: UnsafePointer<Scalar>, gradient dl: UnsafePointer<Scalar>, k: Int,
                                      into dw: UnsafeMutablePointer<Scalar>) {
        for q in 0..<k { Scalar.axpy(3 * k, alpha: dl[q], coefficients + q * 3 * k, dw) }
    }
}
