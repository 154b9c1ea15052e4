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
    /// `StepDecisions.linkCuts`: while set, each update logs the entries its cuts kept (`cuts(step:)`).
    var recordingCuts = false
    private let cutLog = LinkCutLog()

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

    /// Per update: the written rows and p's candidates (at most `mergesPerStep`), the cut rankings (K_L
    /// or the weighting's k ≤ `mergesPerStep`); per weighting, the rows holding a column (rows that were
    /// given entries since the reset, bounded as `SparseLinkRows.reserve` bounds them).
    func reserve(steps: Int, mergesPerStep: Int) {
        let perStep = max(mergesPerStep, entries)
        writtenRows.reserve(perStep)
        candidateRows.reserve(perStep)
        candidateValues.reserve(perStep)
        ranked.reserve(perStep)
        forwardLinks.reserve(steps: steps, mergesPerStep: mergesPerStep)
        backwardLinks.reserve(steps: steps, mergesPerStep: mergesPerStep)
        touched.reserve(max(forwardLinks.rowCapacity, backwardLinks.rowCapacity))
    }

    /// Appends outside the journal that had to grow a buffer since creation (each an allocation).
    var growths: Int {
        [touched, ranked, writtenRows, candidateRows].reduce(0) { $0 + $1.growths } + candidateValues.growths
            + forwardLinks.growths + backwardLinks.growths
    }

    func clearJournal() {
        cutLog.removeAll()
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
    func update(rows: [Int], weights: [Scalar], holding cuts: LinkCuts?) throws(ConfigurationError) {
        if journaling { beginJournalStep() }
        let written = rows.count
        if let cuts, cuts.forward.count != written || cuts.backward.count != precedenceCount {
            throw .outOfRange(field: "linkCuts", value: "\(cuts.forward.count) rows of N, \(cuts.backward.count) of P",
                              valid: "the rows the update merges: \(rows) of N, \(precedenceCount) of P (p_{t-1}'s support)")
        }
        if recordingCuts { cutLog.beginStep(); cutLog.append(written) }
        writtenRows.removeAll()
        let w32 = writtenRows.append(written)
        for e in 0..<written { w32[e] = Int32(rows[e]) }
        // A held cut that does not fit (a row not merged, a column that is no candidate) stops the update.
        var misfit: (field: String, row: Int)?
        weights.withUnsafeBufferPointer { w in
            let w = w.baseAddress ?? UnsafePointer(product)   // never read when nothing was written
            // N_t(i,k) = (1 − w̄(i)) N_{t-1}(i,k) + w̄(i) p_{t-1}(k), k ≠ i, for each written row i.
            for e in 0..<written {
                let i = rows[e], wi = w[e], held = cuts?.forward.held(e, row: i)
                guard held?.found ?? true, forwardLinks.merge(
                    row: i, scale: fault == .sdncLinkUpdate ? 1 : 1 - wi, columns: precedenceRows, values: precedenceValues,
                    count: precedenceCount, times: wi, skipping: i, keeping: held?.columns) else { misfit = ("forward", i); return }
                if recordingCuts { cutLog.append(row: i, columns: forwardLinks.columns(ofRow: i)) }
            }
            // P_t(i,k) = (1 − w̄(k)) P_{t-1}(i,k) + w̄(k) p_{t-1}(i), i ≠ k: decay the written columns, then add.
            for e in 0..<written { backwardLinks.scaleColumn(rows[e], by: 1 - w[e]) }
            if recordingCuts { cutLog.append(precedenceCount) }
            for e in 0..<precedenceCount {
                let i = Int(precedenceRows[e]), held = cuts?.backward.held(e, row: i)
                guard held?.found ?? true, backwardLinks.merge(
                    row: i, scale: 1, columns: w32, values: w, count: written, times: precedenceValues[e], skipping: i,
                    keeping: held?.columns) else { misfit = ("backward", i); return }
                if recordingCuts { cutLog.append(row: i, columns: backwardLinks.columns(ofRow: i)) }
            }
            // p_t = (1 − Σ_i w̄(i)) p_{t-1} + w̄, cut to its K_L largest (value desc, row asc).
            var total: Scalar = 0
            for e in 0..<written { total += w[e] }
            guard updatePrecedence(decay: fault == .sdncPrecedence ? 1 : 1 - total, rows: w32, weights: w, count: written,
                                   keeping: cuts?.precedence) else { misfit = ("precedence", -1); return }
        }
        if let misfit {
            let held = misfit.field == "forward" ? cuts?.forward : cuts?.backward
            throw .outOfRange(field: "linkCuts.\(misfit.field)", value: misfit.row < 0 ? "\(cuts?.precedence ?? [])"
                                  : "row \(misfit.row): \(held?.first { $0.row == misfit.row }.map { "\($0.columns)" } ?? "not held")",
                              valid: "columns among the row's candidates (its entries and the added ones), a row the update merges")
        }
    }

    /// Step t's cuts since the log was last cleared (`recordingCuts`).
    func cuts(step t: Int) -> LinkCuts? { t < cutLog.steps ? cutLog.cuts(step: t) : nil }

    /// p_t = decay·p_{t-1} + w̄ on the written rows, cut to its K_L largest positive entries; `held`
    /// (replay): keep exactly these rows instead (false, p left as it was, when one is no candidate).
    private func updatePrecedence(decay: Scalar, rows: UnsafePointer<Int32>, weights: UnsafePointer<Scalar>, count: Int,
                                  keeping held: [Int]?) -> Bool {
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
        guard let kept = cutCandidates(cr, cv, count: m, k: entries, held: held, into: order) else { return false }
        for s in 0..<kept { precedenceRows[s] = cr[Int(order[s])]; precedenceValues[s] = cv[Int(order[s])] }
        precedenceCount = kept
        if recordingCuts {
            cutLog.append(kept)
            for s in 0..<kept { cutLog.append(Int(precedenceRows[s])) }
        }
        return true
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
