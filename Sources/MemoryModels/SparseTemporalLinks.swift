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
    /// The journal (full-gradient backward): per step, the pre-image of each row the step changed
    /// (saved once, before its first change): row, count, K_L columns and values.
    var journaling = false
    private var savedRows: [Int32] = [], savedCounts: [Int32] = [], savedColumns: [Int32] = [], savedValues: [Scalar] = []
    private var stepStarts: [Int] = [], savedStamp: [Int], stepValue = 0

    init(rows n: Int, entries: Int) {
        self.n = n
        capacity = entries
        columns = Array(repeating: -1, count: n * entries)
        values = Array(repeating: 0, count: n * entries)
        counts = Array(repeating: 0, count: n)
        columnLists = Array(repeating: [], count: n)
        seen = Array(repeating: 0, count: n)
        savedStamp = Array(repeating: 0, count: n)
    }

    func reset() {
        for i in 0..<n where counts[i] > 0 { counts[i] = 0 }
        for k in 0..<n where !columnLists[k].isEmpty { columnLists[k].removeAll() }
        clearJournal()
    }

    var journalBytes: Int {
        (savedRows.count + savedCounts.count + savedColumns.count) * MemoryLayout<Int32>.stride
            + savedValues.count * MemoryLayout<Scalar>.stride
    }

    /// Opens the journal's next step (the next update's pre-images).
    func beginStep() {
        stepStarts.append(savedRows.count)
        stepValue += 1
    }

    func clearJournal() {
        savedRows.removeAll(keepingCapacity: true)
        savedCounts.removeAll(keepingCapacity: true)
        savedColumns.removeAll(keepingCapacity: true)
        savedValues.removeAll(keepingCapacity: true)
        stepStarts.removeAll(keepingCapacity: true)
    }

    /// Saves row i's pre-image into the open step, once per step. O(K_L).
    private func save(row i: Int) {
        guard journaling, savedStamp[i] != stepValue else { return }
        savedStamp[i] = stepValue
        savedRows.append(Int32(i))
        savedCounts.append(counts[i])
        savedColumns.append(contentsOf: columns[(i * capacity)..<((i + 1) * capacity)])
        savedValues.append(contentsOf: values[(i * capacity)..<((i + 1) * capacity)])
    }

    /// Swaps step t's saved rows with the rows held now: the state before step t's update if it was
    /// after it, and back (as `Journal.exchange`). The column lists are left alone: they only ever over-list.
    func exchange(step t: Int) {
        let end = t + 1 < stepStarts.count ? stepStarts[t + 1] : savedRows.count
        for s in stepStarts[t]..<end {
            let i = Int(savedRows[s])
            swap(&counts[i], &savedCounts[s])
            for e in 0..<capacity {
                swap(&columns[i * capacity + e], &savedColumns[s * capacity + e])
                swap(&values[i * capacity + e], &savedValues[s * capacity + e])
            }
        }
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
        for r in column(k) { let i = Int(r); save(row: i); values[i * capacity + slot(row: i, column: k)!] *= factor }
    }

    /// Row i becomes `scale`·row + Σ_e factor·addValues[e] at column addColumns[e] (skipping column
    /// `skip`), then keeps its K_L largest entries (value desc, column asc); entries that are not
    /// positive are dropped. Plain arrays rather than a lazy sequence: a generic chain here was not
    /// specialised and cost most of the SDNC's update (verification replays it thousands of times).
    func merge(row i: Int, scale: Scalar, columns addColumns: [Int], values addValues: [Scalar],
               times factor: Scalar, skipping skip: Int) {
        save(row: i)
        scratchColumns.removeAll(keepingCapacity: true)
        scratchValues.removeAll(keepingCapacity: true)
        let before = Int(counts[i])
        for s in 0..<before {
            scratchColumns.append(Int(columns[i * capacity + s]))
            scratchValues.append(scale * values[i * capacity + s])
        }
        for e in addColumns.indices where addColumns[e] != skip {
            let k = addColumns[e], v = addValues[e] * factor
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
    /// The journal: each update saves N's and P's changed rows (`SparseLinkRows.exchange`) and p_{t-1}
    /// (K_L slots per step, a count and (row, value) pairs). O(R·K·K_L + K_L + rows decayed) per step.
    var journaling = false {
        didSet { forwardLinks.journaling = journaling; backwardLinks.journaling = journaling }
    }
    private var savedPrecedenceCounts: [Int] = [], savedPrecedenceRows: [Int] = [], savedPrecedenceValues: [Scalar] = []

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
        clearJournal()
    }

    func clearJournal() {
        forwardLinks.clearJournal()
        backwardLinks.clearJournal()
        savedPrecedenceCounts.removeAll(keepingCapacity: true)
        savedPrecedenceRows.removeAll(keepingCapacity: true)
        savedPrecedenceValues.removeAll(keepingCapacity: true)
    }

    func exchange(step t: Int) {
        forwardLinks.exchange(step: t)
        backwardLinks.exchange(step: t)
        let base = t * entries, saved = savedPrecedenceCounts[t]
        savedPrecedenceCounts[t] = precedenceRows.count
        for e in 0..<entries {   // swap the first max(count, saved) pairs; slots past a count are padding
            let row = e < precedenceRows.count ? precedenceRows[e] : -1
            let value = e < precedenceValues.count ? precedenceValues[e] : 0
            if e < saved {
                if e < precedenceRows.count { precedenceRows[e] = savedPrecedenceRows[base + e]; precedenceValues[e] = savedPrecedenceValues[base + e] }
                else { precedenceRows.append(savedPrecedenceRows[base + e]); precedenceValues.append(savedPrecedenceValues[base + e]) }
            }
            savedPrecedenceRows[base + e] = row
            savedPrecedenceValues[base + e] = value
        }
        precedenceRows.removeLast(precedenceRows.count - saved)
        precedenceValues.removeLast(precedenceValues.count - saved)
    }

    var journalBytes: Int {
        forwardLinks.journalBytes + backwardLinks.journalBytes + savedPrecedenceCounts.count * MemoryLayout<Int>.stride
            + savedPrecedenceRows.count * MemoryLayout<Int>.stride + savedPrecedenceValues.count * MemoryLayout<Scalar>.stride
    }

    /// Saves p_{t-1} and opens the rows' journal step before an update.
    private func beginJournalStep() {
        forwardLinks.beginStep()
        backwardLinks.beginStep()
        savedPrecedenceCounts.append(precedenceRows.count)
        for e in 0..<entries {
            savedPrecedenceRows.append(e < precedenceRows.count ? precedenceRows[e] : -1)
            savedPrecedenceValues.append(e < precedenceValues.count ? precedenceValues[e] : 0)
        }
    }

    func update(rows: [Int], weights: [Scalar]) {
        if journaling { beginJournalStep() }
        // N_t(i,k) = (1 − w̄(i)) N_{t-1}(i,k) + w̄(i) p_{t-1}(k), k ≠ i, for each written row i.
        for (i, wi) in zip(rows, weights) {
            forwardLinks.merge(row: i, scale: fault == .sdncLinkUpdate ? 1 : 1 - wi,
                               columns: precedenceRows, values: precedenceValues, times: wi, skipping: i)
        }
        // P_t(i,k) = (1 − w̄(k)) P_{t-1}(i,k) + w̄(k) p_{t-1}(i), i ≠ k: decay the written columns, then add.
        for (k, wk) in zip(rows, weights) { backwardLinks.scaleColumn(k, by: 1 - wk) }
        for (i, pi) in zip(precedenceRows, precedenceValues) {
            backwardLinks.merge(row: i, scale: 1, columns: rows, values: weights, times: pi, skipping: i)
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
