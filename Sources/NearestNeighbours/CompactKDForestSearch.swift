import SAMNumerics

/// What one query of `CompactKDForestIndex` works in: the branch heap, the ranking, the per-row stamps
/// and the query point, with the query's own counters. The index moves it out of itself for the
/// query's duration (`swap`), so the search loop touches a local value only: every access to a
/// class's stored property is checked for exclusivity at run time (`swift_beginAccess`), which, with
/// a copy of a tree per checked bucket, cost about twice the search itself (callgrind, N = 2^10).
///
/// The search is FLANN's `getNeighbors` with buckets (see `CompactKDForestIndex`): descend every tree
/// to a bucket, pushing the far side of each split with the bound `mindist + (q̃_d − value)²` while the
/// ranking is not full or the bound beats its K-th distance `‖q̃‖² + 1 − 2 s_K`; then pop branches
/// nearest first, skipping one whose bound now exceeds that distance, until `limit` distinct rows were
/// checked and K are held.
struct ForestSearch<Scalar: ModelScalar> {
    var heap = BranchHeap<Scalar>()
    var ranking = TopK<Scalar>()
    /// Per row: the stamp of the last query that checked it (N entries).
    var stamps: [UInt32] = []
    var stamp: UInt32 = 0
    /// The query point q̃ (W + 1 entries).
    var point: [Scalar] = []
    /// This query: ‖q‖_ε, ‖q̃‖², the rows to check, whether branches are pruned, rows checked so far.
    private(set) var queryNorm: Scalar = 0
    private var normSquared: Scalar = 0
    private var limit = 0, prune = true
    private(set) var checked = 0

    /// Starts a query: counts it, resets the ranking, writes q̃ and takes a fresh stamp. False when there
    /// is nothing to find (k = 0 or no trees): the (empty) ranking is the answer.
    mutating func start(_ q: UnsafePointer<Scalar>, k: Int, epsilon: Scalar, limit: Int, prune: Bool,
                        memory: MemoryMatrix<Scalar>, built: Bool, counters: inout IndexCounters) -> Bool {
        guard let start = ranking.startQuery(q, k: k, rows: memory.rows, width: memory.width, epsilon: epsilon,
                                             built: built, counters: &counters, point: &point) else { return false }
        stamp &+= 1
        if stamp == 0 {   // after 2^32 queries: clear once
            for i in stamps.indices { stamps[i] = 0 }
            stamp = 1
        }
        heap.removeAll()
        queryNorm = start.queryNorm
        normSquared = 0
        for j in 0...memory.width { normSquared += point[j] * point[j] }
        self.limit = limit
        self.prune = prune
        checked = 0
        return true
    }

    /// The search over `trees` for the query `q` (W scalars) whose point `start` wrote.
    @inline(__always)
    mutating func run(_ q: UnsafePointer<Scalar>, trees: UnsafeBufferPointer<CompactKDTree<Scalar>>,
                      memory: MemoryMatrix<Scalar>, rowNorms: UnsafePointer<Scalar>) {
        let n = memory.rows
        for t in 0..<trees.count { descend(trees, t, from: 0, bound: 0, q, memory, rowNorms) }
        while checked < n, checked < limit || !ranking.isFull, let branch = heap.popMin() {
            // FLANN's `searchLevel` returns at once from a branch whose bound exceeds the current worst
            // distance: it was pushed before the ranking filled, and costs no check.
            if prune, ranking.isFull, branch.bound > worstDistance { continue }
            descend(trees, Int(branch.tree), from: Int(branch.node), bound: branch.bound, q, memory, rowNorms)
        }
    }

    /// Descends tree `t` from `node` to a bucket, pushing the far side of each split, then checks the bucket.
    /// The tree is read in place through a pointer (passing it by value copied it: eight retains).
    @inline(__always)
    private mutating func descend(_ trees: UnsafeBufferPointer<CompactKDTree<Scalar>>, _ t: Int, from node: Int,
                                  bound: Scalar, _ q: UnsafePointer<Scalar>, _ memory: MemoryMatrix<Scalar>,
                                  _ rowNorms: UnsafePointer<Scalar>) {
        let tree = trees.baseAddress! + t
        var node = node
        while tree.pointee.nodes[node].dimension >= 0 {
            let split = tree.pointee.nodes[node], diff = point[Int(split.dimension)] - split.value
            let near = Int(split.child) + (diff < 0 ? 0 : 1), far = Int(split.child) + (diff < 0 ? 1 : 0)
            let farBound = bound + diff * diff
            if !prune || !ranking.isFull || farBound < worstDistance {
                heap.push(bound: farBound, tree: Int32(t), node: Int32(far))
            }
            node = near
        }
        check(bucket: Int(tree.pointee.nodes[node].child), of: tree, q, memory, rowNorms)
    }

    /// `‖q̃ − m̃‖² = ‖q̃‖² + 1 − 2 s` of the ranking's K-th row (it is full).
    @inline(__always)
    private var worstDistance: Scalar { normSquared + 1 - 2 * ranking.entries[ranking.k - 1].score }

    /// Scores the bucket's rows not yet checked by this query, until the limit is reached with K held.
    @inline(__always)
    private mutating func check(bucket b: Int, of tree: UnsafePointer<CompactKDTree<Scalar>>, _ q: UnsafePointer<Scalar>,
                                _ memory: MemoryMatrix<Scalar>, _ rowNorms: UnsafePointer<Scalar>) {
        let capacity = tree.pointee.capacity, count = Int(tree.pointee.counts[b]), w = memory.width
        for j in 0..<count {
            let row = Int(tree.pointee.slots[b * capacity + j])
            if stamps[row] == stamp { continue }
            if checked >= limit && ranking.isFull { return }
            stamps[row] = stamp
            checked += 1
            ranking.offer(cosineSimilarity(q, queryNorm: queryNorm, memory.row(row), rowNorm: rowNorms[row], width: w),
                          row: row)
        }
    }
}

/// A binary min-heap of k-d branches (bound, tree, node) with a fixed capacity set by `reserve`:
/// a push onto a full heap is dropped (FLANN 1.8's `Heap` does the same), so pushing never allocates.
struct BranchHeap<Scalar: ModelScalar> {
    struct Branch { var bound: Scalar; var tree: Int32; var node: Int32 }
    private var items: [Branch] = []
    private(set) var count = 0

    mutating func reserve(_ capacity: Int) {
        if items.count != capacity { items = Array(repeating: Branch(bound: 0, tree: 0, node: 0), count: capacity) }
        count = 0
    }

    mutating func removeAll() { count = 0 }

    @inline(__always)
    mutating func push(bound: Scalar, tree: Int32, node: Int32) {
        guard count < items.count else { return }
        var at = count
        count += 1
        while at > 0 {
            let parent = (at - 1) / 2
            guard items[parent].bound > bound else { break }
            items[at] = items[parent]
            at = parent
        }
        items[at] = Branch(bound: bound, tree: tree, node: node)
    }

    @inline(__always)
    mutating func popMin() -> Branch? {
        guard count > 0 else { return nil }
        let top = items[0], last = items[count - 1]
        count -= 1
        var at = 0
        while true {
            var child = 2 * at + 1
            guard child < count else { break }
            if child + 1 < count, items[child + 1].bound < items[child].bound { child += 1 }
            guard items[child].bound < last.bound else { break }
            items[at] = items[child]
            at = child
        }
        if count > 0 { items[at] = last }
        return top
    }

    var byteSize: Int { items.capacity * MemoryLayout<Branch>.stride }
}
