import SAMNumerics

/// The adjoints of the full-gradient backward (Proofs/sdnc-gradients.md, "Gradient, option"): Ñ_t,
/// P̃_t on the kept entries some read or update gave an adjoint, p̃_t on p_t's support, and dw̄, the
/// gradient reaching the heads' mean write weighting w̄W_t on the rows step t wrote.
/// Allocated once per model; N-sized arrays are only touched at written rows.
final class LinkGradient<Scalar: ModelScalar> {
    let forward: LinkAdjoint<Scalar>, backward: LinkAdjoint<Scalar>
    /// p̃ on its support, (row, value) pairs in the order they arose (at most K_L rows for the sparse
    /// store); arrays, not a dictionary, so that every sum runs in the same order in every process.
    var precedenceRows: [Int] = [], precedenceValues: [Scalar] = []
    private var incomingRows: [Int] = [], incomingValues: [Scalar] = []
    /// dL/dw̄(i), indexed by row, non-zero only at the rows of `written` (zeroed by `finishStep`);
    /// `toWriteWeighting` turns it into dL/dwW_j(i) = dL/dw̄(i)/R, the same for every head j.
    let meanWrite: UnsafeMutablePointer<Scalar>
    /// Step t's written rows (in the forward's order) and w̄W_t on them.
    var written: [Int] = [], weights: [Scalar] = []
    private var summed: [Scalar], mark: [Int], markValue = 0

    init(rows n: Int) {
        forward = LinkAdjoint(rows: n)
        backward = LinkAdjoint(rows: n)
        meanWrite = .allocate(capacity: n)
        meanWrite.initialize(repeating: 0, count: n)
        summed = Array(repeating: 0, count: n)
        mark = Array(repeating: 0, count: n)
    }

    deinit { meanWrite.deallocate() }

    /// Ñ = P̃ = 0, p̃ = 0 (the start of a backward, and the segment start, whose adjoints are dropped).
    func clear() {
        forward.clear()
        backward.clear()
        precedenceRows.removeAll(keepingCapacity: true)
        precedenceValues.removeAll(keepingCapacity: true)
    }

    /// p̃(i) += v.
    private func addPrecedence(_ i: Int, _ v: Scalar) {
        if let s = precedenceRows.firstIndex(of: i) { precedenceValues[s] += v } else {
            precedenceRows.append(i)
            precedenceValues.append(v)
        }
    }

    /// w̄W_t = (1/R) Σ_j wW_j on the rows step t wrote, recomputed from the tape as the forward formed
    /// it (the same rows in the same order, the same sums): wW_j = α_j (γ_j wR_{t-1,j} + (1 − γ_j) e_{u_j}).
    /// `previousRows`/`previousWeights`: R x `slots` (nil before the first step). O(R·slots).
    func meanWriteWeighting(heads: [HeadInterface<Scalar>], leastUsed: UnsafePointer<Int32>, slots: Int,
                            previousRows: UnsafePointer<Int32>?, previousWeights: UnsafePointer<Scalar>?) {
        markValue += 1
        written.removeAll(keepingCapacity: true)
        func touch(_ i: Int) {
            guard mark[i] != markValue else { return }
            mark[i] = markValue
            summed[i] = 0
            written.append(i)
        }
        for j in heads.indices { touch(Int(leastUsed[j])) }
        if let previousRows { for m in 0..<(heads.count * slots) where previousRows[m] >= 0 { touch(Int(previousRows[m])) } }
        for (j, head) in heads.enumerated() {
            let alpha = head.writeGate, gamma = head.interpolation
            if let previousRows, let previousWeights {
                for m in 0..<slots where previousRows[j * slots + m] >= 0 {
                    summed[Int(previousRows[j * slots + m])] += alpha * gamma * previousWeights[j * slots + m]
                }
            }
            summed[Int(leastUsed[j])] += alpha * (1 - gamma)
        }
        weights.removeAll(keepingCapacity: true)
        for i in written { weights.append(summed[i] / Scalar(heads.count)) }
    }

    /// Step 1 of the proof, one head and one mode: L̃_t(F(q), k_m) += dl(q) w_m on the entries the read
    /// kept (C(q, m) ≠ 0). `rows` F: K rows (−1 empty); `columns`, `w`: wR_{t-1,j}'s 3K slots; C: K x 3K.
    /// `transposed` (a fault) adds at (k_m, F(q)) instead. O(K·3K).
    static func addRead(_ adjoint: LinkAdjoint<Scalar>, rows: UnsafePointer<Int32>, columns: UnsafePointer<Int32>,
                        weights w: UnsafePointer<Scalar>, entries c: UnsafePointer<Scalar>, gradient dl: UnsafePointer<Scalar>,
                        k: Int, transposed: Bool) {
        let slots = 3 * k
        for q in 0..<k where rows[q] >= 0 && dl[q] != 0 {
            for m in 0..<slots where columns[m] >= 0 && c[q * slots + m] != 0 {
                let (i, column) = (Int(rows[q]), Int(columns[m]))
                adjoint.add(row: transposed ? column : i, column: transposed ? i : column, dl[q] * w[m])
            }
        }
    }

    /// Steps 2-4 of the proof for step t: with `store` holding N_t, P_t, p_t and the adjoints holding
    /// Ñ_t, P̃_t, p̃_t, rolls the store back to N_{t-1}, P_{t-1}, p_{t-1} (its journal step t), turns the
    /// adjoints into Ñ_{t-1}, P̃_{t-1}, p̃_{t-1} (an entry not kept at t−1 is the constant 0: its adjoint is
    /// dropped) and adds dL/dw̄(i) into `meanWrite` on the written rows. `dropPrecedence` (a fault) sends
    /// nothing from N's and P's updates into p̃. O(|written|·(K_L + adjoint entries per written row or column)·K_L).
    func updateBackward(_ store: any TemporalLinkStore<Scalar>, step t: Int, dropPrecedence: Bool) {
        store.exchange(step: t)
        // p_t = (1 − Σ w̄) p_{t-1} + w̄: read p̃_t whole before N and P add to p̃_{t-1}.
        let decay = 1 - weights.reduce(0, +)
        var carried: Scalar = 0
        swap(&incomingRows, &precedenceRows)
        swap(&incomingValues, &precedenceValues)
        precedenceRows.removeAll(keepingCapacity: true)
        precedenceValues.removeAll(keepingCapacity: true)
        for (i, a) in zip(incomingRows, incomingValues) where a != 0 {
            let before = store.precedence(i)
            carried += a * before
            if before != 0 { addPrecedence(i, decay * a) }
        }
        for i in written { meanWrite[i] += (incomingRows.firstIndex(of: i).map { incomingValues[$0] } ?? 0) - carried }
        for (i, wi) in zip(written, weights) {
            // N_t(i,k) = (1 − w̄(i)) N_{t-1}(i,k) + w̄(i) p_{t-1}(k), k ≠ i: row i of N.
            decayBackward(forward, entries: forward.row(i), isRow: true, i, wi, store, dropPrecedence: dropPrecedence)
            // P_t(r,i) = (1 − w̄(i)) P_{t-1}(r,i) + w̄(i) p_{t-1}(r), r ≠ i: column i of P.
            decayBackward(backward, entries: backward.column(i), isRow: false, i, wi, store, dropPrecedence: dropPrecedence)
        }
    }

    /// Steps 2 and 3 on one written line i of a link matrix L (row i of N, `isRow`, or column i of P),
    /// L_t(i,o) = (1 − w̄(i)) L_{t-1}(i,o) + w̄(i) p_{t-1}(o), o ≠ i (o: the other index of each adjoint entry):
    /// dw̄(i) += L̃_t (p_{t-1}(o) − L_{t-1}), p̃_{t-1}(o) += w̄(i) L̃_t, L̃_{t-1} = (1 − w̄(i)) L̃_t where kept.
    private func decayBackward(_ adjoint: LinkAdjoint<Scalar>, entries: [Int], isRow: Bool, _ i: Int, _ wi: Scalar,
                               _ store: any TemporalLinkStore<Scalar>, dropPrecedence: Bool) {
        for e in entries {
            let o = isRow ? adjoint.column(of: e) : adjoint.row(of: e), a = adjoint.value(e)
            let p = o != i ? store.precedence(o) : 0
            let before = store.link(forward: isRow, row: isRow ? i : o, column: isRow ? o : i)
            meanWrite[i] += a * (p - before)
            if p != 0 && !dropPrecedence { addPrecedence(o, wi * a) }
            adjoint.set(e, before != 0 ? (1 - wi) * a : 0)
        }
    }

    /// Proof step 5: w̄ = (1/R) Σ_j wW_j, so each head's dL/dwW_j(i) gains dL/dw̄(i)/R (in `meanWrite`).
    func toWriteWeighting(heads: Int) { for i in written { meanWrite[i] /= Scalar(heads) } }

    /// Zeroes dw̄ on the written rows once the write backward has used it.
    func finishStep() { for i in written { meanWrite[i] = 0 } }
}
