import SAMNumerics

/// The Sparse DNC's link state (SPEC "Sparse DNC"): N_t and P_t with K_L entries per row
/// (`SparseLinkRows`) and the sparse precedence p_t with its K_L largest entries.
///
/// Per update, with |w̄W| written rows: O(|w̄W|·K_L) for N (each written row merges p_{t-1}),
/// O(K_L·|w̄W|) for P's new entries plus the rows holding a written column for its decay, and
/// O(K_L + |w̄W|) for p; no term grows with N. `reset` visits only the rows and columns touched.
final class SparseTemporalLinks<Scalar: ModelScalar>: TemporalLinkStore {
    let forwardLinks: SparseLinkRows<Scalar>, backwardLinks: SparseLinkRows<Scalar>
    let entries: Int
    /// p_t on its support: `precedenceCount` ≤ K_L (row, value) pairs.
    private let precedenceRows: UnsafeMutablePointer<Int32>, precedenceValues: UnsafeMutablePointer<Scalar>
    private var precedenceCount = 0
    /// (L w)(i) on the rows a weighting touched (zero elsewhere), and those rows.
    private let product: UnsafeMutablePointer<Scalar>
    private let touched = GrowableBuffer<Int32>(), ranked = GrowableBuffer<Int32>()
    /// The update's written rows as Int32, and p's candidates before its cut.
    private let writtenRows = GrowableBuffer<Int32>()
    private let candidateRows = GrowableBuffer<Int32>(), candidateValues = GrowableBuffer<Scalar>()
    /// Test-only: `sdncLinkUpdate` drops N's decay (1 − w̄(i)), `sdncPrecedence` drops p's decay.
    var fault: GradientFault?
    /// The journal: each update saves N's and P's changed rows (`SparseLinkRows.exchange`) and p_{t-1}
    /// (K_L slots per step, a count and (row, value) pairs). O(R·K·K_L + K_L + rows decayed) per step.
    var journaling = false {
        didSet { forwardLinks.journaling = journaling; backwardLinks.journaling = journaling }
    }
    private let savedPrecedenceCounts = GrowableBuffer<Int32>(), savedPrecedenceRows = GrowableBuffer<Int32>()
    private let savedPrecedenceValues = GrowableBuffer<Scalar>()

    init(rows n: Int, entries: Int) {
        self.entries = entries
        forwardLinks = SparseLinkRows(rows: n, entries: entries)
        backwardLinks = SparseLinkRows(rows: n, entries: entries)
        precedenceRows = .allocate(capacity: entries)
        precedenceValues = .allocate(capacity: entries)
        product = .allocate(capacity: max(n, 1))
        product.initialize(repeating: 0, count: max(n, 1))
    }

    deinit { precedenceRows.deallocate(); precedenceValues.deallocate(); product.deallocate() }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func reset() {
        forwardLinks.reset()
        backwardLinks.reset()
        precedenceCount = 0
        clearJournal()
    }

    var resetRows: Int { forwardLinks.touchedCount + backwardLinks.touchedCount }
    /// List nodes walked by the weightings and P's decay, and rows rebuilt by N's and P's updates, since creation.
    var work: (columnNodes: Int, rowsMerged: Int) {
        (forwardLinks.columnNodesWalked + backwardLinks.columnNodesWalked, forwardLinks.rowsMerged + backwardLinks.rowsMerged)
    }

    func clearJournal() {
        forwardLinks.clearJournal()
        backwardLinks.clearJournal()
        savedPrecedenceCounts.removeAll()
        savedPrecedenceRows.removeAll()
        savedPrecedenceValues.removeAll()
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func exchange(step t: Int) {
        forwardLinks.exchange(step: t)
        backwardLinks.exchange(step: t)
        let base = t * entries
        let saved = Int(savedPrecedenceCounts.base[t])
        savedPrecedenceCounts.base[t] = Int32(precedenceCount)
        precedenceCount = saved
        for e in 0..<entries {   // slots past a count are padding
            swap(&precedenceRows[e], &savedPrecedenceRows.base[base + e])
            swap(&precedenceValues[e], &savedPrecedenceValues.base[base + e])
        }
    }

    var journalBytes: Int {
        forwardLinks.journalBytes + backwardLinks.journalBytes + savedPrecedenceCounts.byteSize
            + savedPrecedenceRows.byteSize + savedPrecedenceValues.byteSize
    }

    /// Saves p_{t-1} and opens the rows' journal step before an update.
    private func beginJournalStep() {
        forwardLinks.beginStep()
        backwardLinks.beginStep()
        savedPrecedenceCounts.append(1).pointee = Int32(precedenceCount)
        let rows = savedPrecedenceRows.append(entries), values = savedPrecedenceValues.append(entries)
        for e in 0..<entries {
            rows[e] = e < precedenceCount ? precedenceRows[e] : -1
            values[e] = e < precedenceCount ? precedenceValues[e] : 0
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func update(rows: [Int], weights: [Scalar]) {
        if journaling { beginJournalStep() }
        let written = rows.count
        writtenRows.removeAll()
        let w32 = writtenRows.append(written)
        for e in 0..<written { w32[e] = Int32(rows[e]) }
        weights.withUnsafeBufferPointer { w in
            let w = w.baseAddress ?? UnsafePointer(product)   // never read when nothing was written
            // N_t(i,k) = (1 − w̄(i)) N_{t-1}(i,k) + w̄(i) p_{t-1}(k), k ≠ i, for each written row i.
            for e in 0..<written {
                let i = rows[e], wi = w[e]
                forwardLinks.merge(row: i, scale: fault == .sdncLinkUpdate ? 1 : 1 - wi, columns: precedenceRows,
                                   values: precedenceValues, count: precedenceCount, times: wi, skipping: i)
            }
            // P_t(i,k) = (1 − w̄(k)) P_{t-1}(i,k) + w̄(k) p_{t-1}(i), i ≠ k: decay the written columns, then add.
            for e in 0..<written { backwardLinks.scaleColumn(rows[e], by: 1 - w[e]) }
            for e in 0..<precedenceCount {
                let i = Int(precedenceRows[e])
                backwardLinks.merge(row: i, scale: 1, columns: w32, values: w, count: written, times: precedenceValues[e], skipping: i)
            }
            // p_t = (1 − Σ_i w̄(i)) p_{t-1} + w̄, cut to its K_L largest (value desc, row asc).
            var total: Scalar = 0
            for e in 0..<written { total += w[e] }
            updatePrecedence(decay: fault == .sdncPrecedence ? 1 : 1 - total, rows: w32, weights: w, count: written)
        }
    }

    /// p_t = decay·p_{t-1} + w̄ on the written rows, cut to its K_L largest positive entries.
    private func updatePrecedence(decay: Scalar, rows: UnsafePointer<Int32>, weights: UnsafePointer<Scalar>, count: Int) {
        candidateRows.removeAll(); candidateValues.removeAll(); ranked.removeAll()
        let cr = candidateRows.append(precedenceCount + count), cv = candidateValues.append(precedenceCount + count)
        var m = 0
        for e in 0..<precedenceCount { cr[m] = precedenceRows[e]; cv[m] = decay * precedenceValues[e]; m += 1 }
        for e in 0..<count {
            var s = 0
            while s < m && cr[s] != rows[e] { s += 1 }
            if s < m { cv[s] += weights[e] } else { cr[m] = rows[e]; cv[m] = weights[e]; m += 1 }
        }
        let order = ranked.append(entries)
        var kept = 0
        for s in 0..<m where cv[s] > 0 {
            insertRanked(Int32(s), into: order, count: &kept, k: entries) { a, b in
                cv[Int(a)] != cv[Int(b)] ? cv[Int(a)] > cv[Int(b)] : cr[Int(a)] < cr[Int(b)]
            }
        }
        for s in 0..<kept { precedenceRows[s] = cr[Int(order[s])]; precedenceValues[s] = cv[Int(order[s])] }
        precedenceCount = kept
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func weighting(forward: Bool, rows: UnsafePointer<Int32>, weights: UnsafePointer<Scalar>, count: Int, k: Int,
                   into: inout [Int]) {
        let links = forward ? forwardLinks : backwardLinks
        touched.removeAll()
        for m in 0..<count where rows[m] >= 0 && weights[m] > 0 {   // so each touched row's product is positive
            let column = Int(rows[m])
            for r in links.column(column) {
                let i = Int(r)
                if product[i] == 0 { touched.append(1).pointee = r }
                product[i] += links.value(row: i, column: column) * weights[m]
            }
        }
        largestPositive(UnsafeBufferPointer(start: touched.base, count: touched.count), of: product, k: k,
                        ranked: ranked, into: &into)
        for s in 0..<touched.count { product[Int(touched.base[s])] = 0 }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func link(forward: Bool, row i: Int, column k: Int) -> Scalar {
        (forward ? forwardLinks : backwardLinks).value(row: i, column: k)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func precedence(_ i: Int) -> Scalar {
        for e in 0..<precedenceCount where precedenceRows[e] == Int32(i) { return precedenceValues[e] }
        return 0
    }

    var byteSize: Int {
        forwardLinks.byteSize + backwardLinks.byteSize + forwardLinks.n * MemoryLayout<Scalar>.stride
    }
}
