import SAMNumerics

/// One sparse N x N link matrix (N_t or P_t of SPEC "Sparse DNC"): each row keeps at most K_L
/// (column, value) entries, all positive, and each column keeps a list of the rows that may hold it
/// (entries cut from a row leave stale rows in the list; `column(_:)` drops them as it reads).
/// Space O(N·K_L) plus the column lists.
final class SparseLinkRows<Scalar: ModelScalar> {
    let n: Int, capacity: Int
    private var columns: [Int32], values: [Scalar], counts: [Int32]
    private var columnLists: [[Int32]]
    private var seen: [Int], seenValue = 0
    /// Scratch of `merge`: the row's entries while they are updated.
    private var scratchColumns: [Int] = [], scratchValues: [Scalar] = [], order: [Int] = []

    init(rows n: Int, entries: Int) {
        self.n = n
        capacity = entries
        columns = Array(repeating: -1, count: n * entries)
        values = Array(repeating: 0, count: n * entries)
        counts = Array(repeating: 0, count: n)
        columnLists = Array(repeating: [], count: n)
        seen = Array(repeating: 0, count: n)
    }

    func reset() {
        for i in 0..<n where counts[i] > 0 { counts[i] = 0 }
        for k in 0..<n where !columnLists[k].isEmpty { columnLists[k].removeAll() }
    }

    /// L(i, k), 0 when row i keeps no entry for column k.
    func value(row i: Int, column k: Int) -> Scalar {
        slot(row: i, column: k).map { values[i * capacity + $0] } ?? 0
    }

    private func slot(row i: Int, column k: Int) -> Int? {
        for s in 0..<Int(counts[i]) where columns[i * capacity + s] == Int32(k) { return s }
        return nil
    }

    /// The rows holding an entry in column k, each once; stale and repeated rows are dropped from the list.
    func column(_ k: Int) -> [Int32] {
        seenValue += 1
        var list: [Int32] = []
        swap(&list, &columnLists[k])   // unshared while it is compacted: no copy on write
        var kept = 0
        for position in list.indices {   // by index: iterating the array itself would share its storage
            let r = list[position]
            guard seen[Int(r)] != seenValue && slot(row: Int(r), column: k) != nil else { continue }
            seen[Int(r)] = seenValue
            list[kept] = r
            kept += 1
        }
        list.removeLast(list.count - kept)
        columnLists[k] = list
        return list
    }

    /// Multiplies L(i, k) by `factor` for every row i that holds column k.
    func scaleColumn(_ k: Int, by factor: Scalar) {
        for r in column(k) { let i = Int(r); values[i * capacity + slot(row: i, column: k)!] *= factor }
    }

    /// Row i becomes `scale`·row + Σ additions (column, value), then keeps its K_L largest entries
    /// (value desc, column asc); entries that are not positive are dropped.
    func merge(row i: Int, scale: Scalar, additions: some Sequence<(Int, Scalar)>) {
        scratchColumns.removeAll(keepingCapacity: true)
        scratchValues.removeAll(keepingCapacity: true)
        let before = Int(counts[i])
        for s in 0..<before {
            scratchColumns.append(Int(columns[i * capacity + s]))
            scratchValues.append(scale * values[i * capacity + s])
        }
        for (k, v) in additions {
            if let s = scratchColumns.firstIndex(of: k) { scratchValues[s] += v } else {
                scratchColumns.append(k)
                scratchValues.append(v)
            }
        }
        order.removeAll(keepingCapacity: true)
        for s in scratchColumns.indices where scratchValues[s] > 0 { order.append(s) }
        if order.count > capacity {
            order.sort { scratchValues[$0] != scratchValues[$1] ? scratchValues[$0] > scratchValues[$1]
                : scratchColumns[$0] < scratchColumns[$1] }
            order.removeLast(order.count - capacity)
        }
        for (s, o) in order.enumerated() {
            columns[i * capacity + s] = Int32(scratchColumns[o])
            values[i * capacity + s] = scratchValues[o]
            if o >= before { columnLists[scratchColumns[o]].append(Int32(i)) }   // a new entry
        }
        counts[i] = Int32(order.count)
    }

    var byteSize: Int {
        n * capacity * (MemoryLayout<Int32>.stride + MemoryLayout<Scalar>.stride) + n * MemoryLayout<Int32>.stride
            + columnLists.reduce(0) { $0 + $1.capacity * MemoryLayout<Int32>.stride }
    }
}

/// The Sparse DNC's link state (SPEC "Sparse DNC"): N_t and P_t with K_L entries per row
/// (`SparseLinkRows`) and the sparse precedence p_t with its K_L largest entries.
///
/// Per update, with |w̄W| written rows: O(|w̄W|·K_L) for N (each written row merges p_{t-1}),
/// O(K_L·|w̄W|) for P's new entries plus the rows holding a written column for its decay, and
/// O(K_L + |w̄W|) for p; no term grows with N.
final class SparseTemporalLinks<Scalar: ModelScalar>: TemporalLinkStore {
    let forwardLinks: SparseLinkRows<Scalar>, backwardLinks: SparseLinkRows<Scalar>
    let entries: Int
    /// p_t on its support, at most K_L (row, value) pairs.
    private(set) var precedenceRows: [Int] = [], precedenceValues: [Scalar] = []
    private var product: [Scalar], touched: [Int] = []
    private var pairs: [(Int, Scalar)] = []
    /// Test-only: `sdncLinkUpdate` drops N's decay (1 − w̄(i)), `sdncPrecedence` drops p's decay.
    var fault: GradientFault?

    init(rows n: Int, entries: Int) {
        self.entries = entries
        forwardLinks = SparseLinkRows(rows: n, entries: entries)
        backwardLinks = SparseLinkRows(rows: n, entries: entries)
        product = Array(repeating: 0, count: n)
    }

    func reset() {
        forwardLinks.reset()
        backwardLinks.reset()
        precedenceRows.removeAll()
        precedenceValues.removeAll()
    }

    func update(rows: [Int], weights: [Scalar]) {
        // N_t(i,k) = (1 − w̄(i)) N_{t-1}(i,k) + w̄(i) p_{t-1}(k), k ≠ i, for each written row i.
        for (i, wi) in zip(rows, weights) {
            forwardLinks.merge(row: i, scale: fault == .sdncLinkUpdate ? 1 : 1 - wi, additions: zip(precedenceRows, precedenceValues).lazy
                .filter { $0.0 != i }.map { ($0.0, wi * $0.1) })
        }
        // P_t(i,k) = (1 − w̄(k)) P_{t-1}(i,k) + w̄(k) p_{t-1}(i), i ≠ k: decay the written columns, then add.
        for (k, wk) in zip(rows, weights) { backwardLinks.scaleColumn(k, by: 1 - wk) }
        for (i, pi) in zip(precedenceRows, precedenceValues) {
            backwardLinks.merge(row: i, scale: 1, additions: zip(rows, weights).lazy
                .filter { $0.0 != i }.map { ($0.0, $0.1 * pi) })
        }
        // p_t = (1 − Σ_i w̄(i)) p_{t-1} + w̄, cut to its K_L largest (value desc, row asc).
        let decay = fault == .sdncPrecedence ? 1 : 1 - weights.reduce(0, +)
        pairs.removeAll(keepingCapacity: true)
        for (i, v) in zip(precedenceRows, precedenceValues) { pairs.append((i, decay * v)) }
        for (i, wi) in zip(rows, weights) {
            if let s = pairs.firstIndex(where: { $0.0 == i }) { pairs[s].1 += wi } else { pairs.append((i, wi)) }
        }
        pairs.removeAll { !($0.1 > 0) }
        pairs.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        if pairs.count > entries { pairs.removeLast(pairs.count - entries) }
        precedenceRows.removeAll(keepingCapacity: true)
        precedenceValues.removeAll(keepingCapacity: true)
        for (i, v) in pairs {
            precedenceRows.append(i)
            precedenceValues.append(v)
        }
    }

    func weighting(forward: Bool, rows: UnsafePointer<Int32>, weights: UnsafePointer<Scalar>, count: Int, k: Int,
                   into: inout [Int]) {
        let links = forward ? forwardLinks : backwardLinks
        touched.removeAll(keepingCapacity: true)
        for m in 0..<count where rows[m] >= 0 && weights[m] > 0 {   // so each touched row's product is positive
            let column = Int(rows[m])
            for r in links.column(column) {
                let i = Int(r)
                if product[i] == 0 { touched.append(i) }
                product[i] += links.value(row: i, column: column) * weights[m]
            }
        }
        largestPositive(touched, value: { product[$0] }, k: k, into: &into)
        for i in touched { product[i] = 0 }
    }

    func link(forward: Bool, row i: Int, column k: Int) -> Scalar {
        (forward ? forwardLinks : backwardLinks).value(row: i, column: k)
    }

    func precedence(_ i: Int) -> Scalar { precedenceRows.firstIndex(of: i).map { precedenceValues[$0] } ?? 0 }

    var byteSize: Int {
        forwardLinks.byteSize + backwardLinks.byteSize + product.count * MemoryLayout<Scalar>.stride
    }
}
