import SAMNumerics

/// Inserts `candidate` into `ranked[0..<count]`, kept best first by `precedes` (a strict total order),
/// at most `k` long: the one ranking behind every cut of the links (rows of N and P to K_L entries,
/// p to K_L entries, a link weighting to its K rows). O(k) per candidate, no allocation.
@inline(__always)
func insertRanked(_ candidate: Int32, into ranked: UnsafeMutablePointer<Int32>, count: inout Int, k: Int,
                  precedes: (Int32, Int32) -> Bool) {
    var p = count
    while p > 0 && precedes(candidate, ranked[p - 1]) { p -= 1 }
    guard p < k else { return }
    var e = min(count, k - 1)
    while e > p { ranked[e] = ranked[e - 1]; e -= 1 }
    ranked[p] = candidate
    count = min(count + 1, k)
}

/// The cut behind a row of N or P and behind p: of the candidates ids[0..<count] with `values`, the
/// positions of the `k` largest positive values (value desc, id asc) into `ranked`, best first; with
/// `held` (replay, `StepDecisions.linkCuts`) the positions of exactly those ids (distinct), in the held
/// order, whatever their values. Returns how many, or nil when more than `k` are held or a held id is
/// not a candidate. O(count · k), no allocation.
@inline(__always)
func cutCandidates<Scalar: ModelScalar>(_ ids: UnsafePointer<Int32>, _ values: UnsafePointer<Scalar>, count: Int, k: Int, held: [Int]?,
                              into ranked: UnsafeMutablePointer<Int32>) -> Int? {
    var kept = 0
    guard let held else {
        for s in 0..<count where values[s] > 0 {
            insertRanked(Int32(s), into: ranked, count: &kept, k: k) { a, b in
                values[Int(a)] != values[Int(b)] ? values[Int(a)] > values[Int(b)] : ids[Int(a)] < ids[Int(b)]
            }
        }
        return kept
    }
    guard held.count <= k else { return nil }
    for id in held {
        var s = 0
        while s < count && Int(ids[s]) != id { s += 1 }
        guard s < count else { return nil }
        ranked[kept] = Int32(s)
        kept += 1
    }
    return kept
}

/// One sparse N x N link matrix (N_t or P_t of SPEC "Sparse DNC"): each row keeps at most K_L
/// (column, value) entries, all positive, in flat row-major buffers; each column keeps a linked list
/// of the rows that may hold it (entries cut from a row leave stale nodes; `column(_:)` unlinks them
/// as it reads, onto a free list, so the node pool stays as large as the most entries ever listed).
/// Space O(N·K_L) plus the nodes. `reset` clears only the rows and columns the episode touched.
final class SparseLinkRows<Scalar: ModelScalar> {
    let n: Int, capacity: Int
    /// Row i's entries at i·K_L ..< i·K_L + counts[i].
    private let columns: UnsafeMutablePointer<Int32>, values: UnsafeMutablePointer<Scalar>
    private let counts: UnsafeMutablePointer<Int32>
    /// Column k's list: first node (−1: empty); nodes (row, next) in a pool; `free` heads the unlinked nodes.
    private let heads: UnsafeMutablePointer<Int32>
    private let nodeRows = GrowableBuffer<Int32>(), nodeNext = GrowableBuffer<Int32>()
    private var free: Int32 = -1
    /// Rows given entries and columns given a list since the last reset (each once: bit 0 row, bit 1 column).
    private let listed: UnsafeMutablePointer<UInt8>
    private let touchedRows = GrowableBuffer<Int32>(), touchedColumns = GrowableBuffer<Int32>()
    /// `column(_:)`'s result and its repeat filter.
    private let columnRows = GrowableBuffer<Int32>()
    private let seen: UnsafeMutablePointer<Int>
    private var seenValue = 0
    /// Scratch of `merge`: the row's candidate entries and their ranking.
    private let scratchColumns = GrowableBuffer<Int32>(), scratchValues = GrowableBuffer<Scalar>()
    private let ranked = GrowableBuffer<Int32>()
    /// List nodes `column(_:)` walked (stale ones included) and rows `merge` rebuilt, since creation.
    private(set) var columnNodesWalked = 0, rowsMerged = 0
    /// The journal (full-gradient backward): per step, the pre-image of each row the step changed
    /// (saved once, before its first change): row, count, K_L columns and values.
    var journaling = false
    private let savedRows = GrowableBuffer<Int32>(), savedCounts = GrowableBuffer<Int32>()
    private let savedColumns = GrowableBuffer<Int32>(), savedValues = GrowableBuffer<Scalar>()
    private var stepStarts: [Int] = []
    private let savedStamp: UnsafeMutablePointer<Int>
    private var stepValue = 0

    init(rows n: Int, entries: Int) {
        self.n = n
        capacity = entries
        columns = .allocate(capacity: max(n * entries, 1))
        columns.initialize(repeating: -1, count: max(n * entries, 1))
        values = .allocate(capacity: max(n * entries, 1))
        values.initialize(repeating: 0, count: max(n * entries, 1))
        counts = .allocate(capacity: max(n, 1))
        counts.initialize(repeating: 0, count: max(n, 1))
        heads = .allocate(capacity: max(n, 1))
        heads.initialize(repeating: -1, count: max(n, 1))
        listed = .allocate(capacity: max(n, 1))
        listed.initialize(repeating: 0, count: max(n, 1))
        seen = .allocate(capacity: max(n, 1))
        seen.initialize(repeating: 0, count: max(n, 1))
        savedStamp = .allocate(capacity: max(n, 1))
        savedStamp.initialize(repeating: 0, count: max(n, 1))
    }

    deinit {
        columns.deallocate(); values.deallocate(); counts.deallocate(); heads.deallocate()
        listed.deallocate(); seen.deallocate(); savedStamp.deallocate()
    }

    /// L = 0, in O(rows and columns touched since the last reset), never O(N).
    func reset() {
        for s in 0..<touchedRows.count { let i = Int(touchedRows.base[s]); counts[i] = 0; listed[i] &= ~1 }
        for s in 0..<touchedColumns.count { let k = Int(touchedColumns.base[s]); heads[k] = -1; listed[k] &= ~2 }
        touchedRows.removeAll()
        touchedColumns.removeAll()
        nodeRows.removeAll()
        nodeNext.removeAll()
        free = -1
        clearJournal()
    }

    /// Makes room for `steps` more merges of at most `mergesPerStep` rows each (the rows of one
    /// update), so that they allocate nothing: each merge lists at most one row and K_L new entries
    /// (nodes and columns), and its scratch holds the row's K_L entries plus the added ones (at most
    /// `mergesPerStep`: p's support or the written rows). Rows and columns are capped at N, new nodes
    /// at N·K_L (stale ones stay listed until a read unlinks them, so a longer run may still grow the
    /// pool). Exact, one-off allocations when it grows. The journal (full gradient) is not covered.
    func reserve(steps: Int, mergesPerStep: Int) {
        let merges = min(n, SizeSyntax.product(steps, mergesPerStep) ?? n)
        let rows = min(n, touchedRows.count + merges)
        touchedRows.reserve(rows)
        columnRows.reserve(rows)
        let newEntries = SizeSyntax.product(merges, capacity) ?? n
        touchedColumns.reserve(min(n, touchedColumns.count + newEntries))
        let nodes = nodeRows.count + min(newEntries, n * capacity)
        nodeRows.reserve(nodes)
        nodeNext.reserve(nodes)
        scratchColumns.reserve(capacity + mergesPerStep)
        scratchValues.reserve(capacity + mergesPerStep)
        ranked.reserve(capacity)
    }

    /// Appends outside the journal that had to grow a buffer since creation (each an allocation).
    var growths: Int {
        [nodeRows, nodeNext, touchedRows, touchedColumns, columnRows, ranked].reduce(0) { $0 + $1.growths }
            + scratchColumns.growths + scratchValues.growths
    }

    /// Rows `reserve` made room for: any column's rows fit (a row holds entries only once listed).
    var rowCapacity: Int { touchedRows.capacity }

    /// Rows and columns `reset` would visit now.
    var touchedCount: Int { touchedRows.count + touchedColumns.count }

    var journalBytes: Int {
        savedRows.byteSize + savedCounts.byteSize + savedColumns.byteSize + savedValues.byteSize
    }

    /// Opens the journal's next step (the next update's pre-images).
    func beginStep() {
        stepStarts.append(savedRows.count)
        stepValue += 1
    }

    func clearJournal() {
        savedRows.removeAll(); savedCounts.removeAll(); savedColumns.removeAll(); savedValues.removeAll()
        stepStarts.removeAll(keepingCapacity: true)
    }

    /// Saves row i's pre-image into the open step, once per step. O(K_L).
    private func save(row i: Int) {
        guard journaling, savedStamp[i] != stepValue else { return }
        savedStamp[i] = stepValue
        savedRows.append(1).pointee = Int32(i)
        savedCounts.append(1).pointee = counts[i]
        savedColumns.append(capacity).update(from: columns + i * capacity, count: capacity)
        savedValues.append(capacity).update(from: values + i * capacity, count: capacity)
    }

    /// Swaps step t's saved rows with the rows held now: the state before step t's update if it was
    /// after it, and back (as `Journal.exchange`). The column lists are left alone: they only ever over-list.
    func exchange(step t: Int) {
        let end = t + 1 < stepStarts.count ? stepStarts[t + 1] : savedRows.count
        for s in stepStarts[t]..<end {
            let i = Int(savedRows.base[s])
            swap(&counts[i], &savedCounts.base[s])
            for e in 0..<capacity {
                swap(&columns[i * capacity + e], &savedColumns.base[s * capacity + e])
                swap(&values[i * capacity + e], &savedValues.base[s * capacity + e])
            }
        }
    }

    /// L(i, k), 0 when row i keeps no entry for column k.
    @inline(__always)
    func value(row i: Int, column k: Int) -> Scalar {
        let s = slot(row: i, column: Int32(k))
        return s >= 0 ? values[i * capacity + s] : 0
    }

    /// The position of column k in row i's entries, −1 if none.
    @inline(__always)
    private func slot(row i: Int, column k: Int32) -> Int {
        let base = columns + i * capacity
        for s in 0..<Int(counts[i]) where base[s] == k { return s }
        return -1
    }

    /// The rows holding an entry in column k, each once (valid until the next call); stale and
    /// repeated nodes are unlinked from the list as it is read.
    func column(_ k: Int) -> UnsafeBufferPointer<Int32> {
        seenValue += 1
        columnRows.removeAll()
        var previous: Int32 = -1, node = heads[k]
        while node >= 0 {
            columnNodesWalked += 1
            let next = nodeNext.base[Int(node)], r = Int(nodeRows.base[Int(node)])
            if seen[r] != seenValue && slot(row: r, column: Int32(k)) >= 0 {
                seen[r] = seenValue
                columnRows.append(1).pointee = Int32(r)
                previous = node
            } else {   // stale or repeated: onto the free list
                if previous < 0 { heads[k] = next } else { nodeNext.base[Int(previous)] = next }
                nodeNext.base[Int(node)] = free
                free = node
            }
            node = next
        }
        return UnsafeBufferPointer(start: columnRows.base, count: columnRows.count)
    }

    /// Lists row i under column k (a new entry).
    private func list(row i: Int, column k: Int) {
        let node: Int32
        if free >= 0 {
            node = free
            free = nodeNext.base[Int(node)]
        } else {
            node = Int32(nodeRows.count)
            _ = nodeRows.append(1)
            _ = nodeNext.append(1)
        }
        nodeRows.base[Int(node)] = Int32(i)
        nodeNext.base[Int(node)] = heads[k]
        heads[k] = node
        if listed[k] & 2 == 0 { listed[k] |= 2; touchedColumns.append(1).pointee = Int32(k) }
    }

    /// Multiplies L(i, k) by `factor` for every row i that holds column k.
    func scaleColumn(_ k: Int, by factor: Scalar) {
        for r in column(k) {
            let i = Int(r)
            save(row: i)
            values[i * capacity + slot(row: i, column: Int32(k))] *= factor
        }
    }

    /// Row i becomes `scale`·row + Σ_e factor·addValues[e] at column addColumns[e] (e < addCount,
    /// skipping column `skip`), then keeps its K_L largest entries (value desc, column asc); entries
    /// that are not positive are dropped. O((K_L + addCount)·(K_L + addCount)) at most.
    /// `held` (replay, `StepDecisions.linkCuts`): keep exactly these columns (≤ K_L, distinct) in this
    /// order, whatever their values, instead of cutting; false, the row left as it was, when one is
    /// not a candidate (neither an entry of the row nor an added column).
    @discardableResult
    func merge(row i: Int, scale: Scalar, columns addColumns: UnsafePointer<Int32>, values addValues: UnsafePointer<Scalar>,
               count addCount: Int, times factor: Scalar, skipping skip: Int, keeping held: [Int]? = nil) -> Bool {
        save(row: i)
        rowsMerged += 1
        if listed[i] & 1 == 0 { listed[i] |= 1; touchedRows.append(1).pointee = Int32(i) }
        let before = Int(counts[i]), rowColumns = columns + i * capacity, rowValues = values + i * capacity
        scratchColumns.removeAll(); scratchValues.removeAll(); ranked.removeAll()
        let sc = scratchColumns.append(before + addCount), sv = scratchValues.append(before + addCount)
        let order = ranked.append(capacity)
        var m = 0
        for s in 0..<before { sc[m] = rowColumns[s]; sv[m] = scale * rowValues[s]; m += 1 }
        for e in 0..<addCount where Int(addColumns[e]) != skip {
            let k = addColumns[e], v = addValues[e] * factor
            var s = 0
            while s < m && sc[s] != k { s += 1 }
            if s < m { sv[s] += v } else { sc[m] = k; sv[m] = v; m += 1 }
        }
        guard let kept = cutCandidates(sc, sv, count: m, k: capacity, held: held, into: order) else { return false }
        for s in 0..<kept {
            let o = Int(order[s])
            rowColumns[s] = sc[o]
            rowValues[s] = sv[o]
            if o >= before { list(row: i, column: Int(sc[o])) }   // a new entry
        }
        counts[i] = Int32(kept)
        return true
    }

    /// Row i's kept columns, in its order (valid until the row changes).
    func columns(ofRow i: Int) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: columns + i * capacity, count: Int(counts[i]))
    }

    /// Bytes of the matrix as the links count it (as before the column lists became linked lists): the
    /// entries, their counts and the row ids listed per column; not the lists' heads and links, the
    /// per-row flags and stamps (4N + N + 16N bytes more) or scratch.
    var byteSize: Int {
        n * capacity * (MemoryLayout<Int32>.stride + MemoryLayout<Scalar>.stride) + n * MemoryLayout<Int32>.stride
            + nodeRows.count * MemoryLayout<Int32>.stride
    }
}
