import SAMNumerics

/// The adjoint L̃ of one link matrix (Ñ_t or P̃_t of Proofs/sdnc-gradients.md, "full gradients"):
/// dL/dL_t(i, k) on the entries some read or link update gave an adjoint, indexed by row (N's update
/// visits written rows) and by column (P's decay visits written columns), as `SparseRowGradient`
/// holds dL/dM on touched rows. Space and work grow with the entries given an adjoint, never with N.
///
/// An entry set to 0 stays listed until `row(_:)` or `column(_:)` drops it: every use of L̃ is linear
/// in it, so a zero entry passes nothing on.
final class LinkAdjoint<Scalar: ModelScalar> {
    private var slot: [Int: Int] = [:]   // i·N + k -> index into the entry arrays
    private var rowOf: [Int] = [], columnOf: [Int] = [], values: [Scalar] = []
    private var byRow: [Int: [Int]] = [:], byColumn: [Int: [Int]] = [:]
    let n: Int

    init(rows n: Int) { self.n = n }

    func clear() {
        slot.removeAll(keepingCapacity: true)
        rowOf.removeAll(keepingCapacity: true)
        columnOf.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        byRow.removeAll(keepingCapacity: true)
        byColumn.removeAll(keepingCapacity: true)
    }

    /// L̃(i, k) += v.
    func add(row i: Int, column k: Int, _ v: Scalar) {
        if let e = slot[i * n + k] { values[e] += v; return }
        let e = values.count
        rowOf.append(i); columnOf.append(k); values.append(v)
        slot[i * n + k] = e
        byRow[i, default: []].append(e)
        byColumn[k, default: []].append(e)
    }

    /// The ids of row i's entries (`column(of:)`, `value(_:)`), dropping those set to 0.
    func row(_ i: Int) -> [Int] { compact(&byRow, i) }
    /// The entries of column k, dropping those set to 0.
    func column(_ k: Int) -> [Int] { compact(&byColumn, k) }

    func column(of e: Int) -> Int { columnOf[e] }
    func row(of e: Int) -> Int { rowOf[e] }
    func value(_ e: Int) -> Scalar { values[e] }
    func set(_ e: Int, _ v: Scalar) { values[e] = v }
    /// L̃(i, k), 0 when no adjoint is held.
    func value(row i: Int, column k: Int) -> Scalar { slot[i * n + k].map { values[$0] } ?? 0 }

    /// The live entries listed under `key`; an entry at 0 leaves this list and the (row, column) lookup
    /// (a later `add` there starts a new entry; the dead one stays 0 in the other list until it compacts).
    private func compact(_ lists: inout [Int: [Int]], _ key: Int) -> [Int] {
        guard var list = lists.removeValue(forKey: key) else { return [] }
        list.removeAll { e in
            guard values[e] == 0 else { return false }
            let entry = rowOf[e] * n + columnOf[e]
            if slot[entry] == e { slot[entry] = nil }
            return true
        }
        if !list.isEmpty { lists[key] = list }
        return list
    }
}
