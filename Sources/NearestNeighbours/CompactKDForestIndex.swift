import SAMNumerics

/// A compact randomised k-d forest (`--index kdtree-compact`): the paper's index (4 trees searched
/// best-bin-first until 32 rows are checked, by the same augmented cosine as `KDForestIndex`) in flat
/// arrays, with zero heap allocations per query and per update.
///
/// **What is indexed.** Row i's point is `m̃(i) = [M(i) / ‖M(i)‖_ε ; sqrt(ε) / ‖M(i)‖_ε]` as for
/// `KDForestIndex`, but never copied: a tree reads one coordinate from the memory and the stored norm
/// when it compares (`AugmentedRows`). Each tree (`CompactKDTree`) splits as FLANN's randomised k-d
/// tree does and stops at buckets of at most `leafSize` rows.
///
/// **Queries.** FLANN's `getNeighbors` with buckets: every tree is descended to a bucket, pushing the
/// other side of each split onto one branch heap with FLANN's bound `mindist + (q̃_d − value)²`
/// (pushed only while the ranking is not full or the bound beats its K-th distance
/// `‖q̃‖² + 1 − 2 s_K`); branches are then popped nearest first and descended, until `checks`
/// distinct rows have been checked and K are held. A checked row is scored by SPEC's exact cosine
/// from the current memory (`cosineSimilarity`) and offered to the ranking (ties to the lower row), so
/// no re-ranking is needed and no stale score exists. Rows already checked through another tree are
/// skipped by a per-row stamp (O(1) to clear, unlike FLANN's N-bit set). With `checks ≥ N` nothing is
/// pruned and the heap can hold every node: the search visits every bucket of tree 0, so it is exact.
/// The heap, the stamps, the query point and the ranking are allocated at build time.
///
/// **Updates.** `update(rows:in:)` takes each touched row out of its bucket in every tree, refreshes
/// its norm and inserts it where its new point falls (O(depth) per tree); a full bucket splits into a
/// spare. Following the paper the forest is rebuilt after N insertions since the last build, or
/// earlier if the spares run out (both counted in `counters.rebuilds`); a rebuild reuses the buffers.
///
/// **Counters.** `distanceEvaluations` counts every checked row (one exact cosine each): `checks` per
/// query when N > checks (the search stops at exactly `checks`), plus N for the rare fallback scan.
public final class CompactKDForestIndex<Scalar: ModelScalar>: NearestNeighbourIndex {
    public var kind: IndexKind { .kdtreeCompact }
    public private(set) var counters = IndexCounters()
    /// ε of the stabilised norm.
    public let epsilon: Scalar
    /// Trees, checks and seed (the other fields are unused).
    public let settings: IndexSettings
    /// Rows a bucket holds after a build (at most).
    public let leafSize: Int
    /// Rows a bucket holds before it splits.
    public let bucketCapacity: Int

    private var trees: [CompactKDTree<Scalar>] = []
    private var rowCount = 0, width = 0
    private var rowNorms: [Scalar] = []
    private var stamps: [UInt32] = []
    private var stamp: UInt32 = 0
    private var heap = BranchHeap<Scalar>()
    private var point: [Scalar] = []
    private var ranking = TopK<Scalar>()
    private var insertionsSinceBuild = 0
    private var order: [Int32] = []
    private var stack: [(node: Int32, lo: Int32, hi: Int32, depth: Int32)] = []

    /// A forest of `settings.trees` trees searched with `settings.checks` checks. Call `build(from:)`
    /// before the first query. Settings are validated by `makeIndex`.
    public init(settings: IndexSettings, epsilon: Scalar, leafSize: Int = 1, bucketCapacity: Int = 2) {
        self.settings = settings
        self.epsilon = epsilon
        self.leafSize = leafSize
        self.bucketCapacity = bucketCapacity
    }

    private func points(_ memory: MemoryMatrix<Scalar>, _ norms: UnsafePointer<Scalar>) -> AugmentedRows<Scalar> {
        AugmentedRows(memory: memory, norms: norms, sqrtEpsilon: Scalar.sqrt(epsilon))
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func build(from memory: MemoryMatrix<Scalar>) {
        rowCount = memory.rows
        width = memory.width
        if rowNorms.count != rowCount {
            rowNorms = Array(repeating: 0, count: rowCount)
            stamps = Array(repeating: 0, count: rowCount)
            stamp = 0
        }
        if point.count != width + 1 { point = Array(repeating: 0, count: width + 1) }
        for i in 0..<rowCount { rowNorms[i] = stabilisedNorm(memory.row(i), count: width, epsilon: epsilon) }
        if trees.count != settings.trees {
            trees = (0..<settings.trees).map { t in
                CompactKDTree(leafSize: leafSize, capacity: bucketCapacity,
                              seed: settings.seed &* 0x9E37_79B9 &+ UInt64(t))
            }
        }
        rowNorms.withUnsafeBufferPointer { norms in
            let p = points(memory, norms.baseAddress!)
            for t in trees.indices { trees[t].build(p, order: &order, stack: &stack) }
        }
        // Exhaustive search may push every node; otherwise a descent pushes at most `depth` branches.
        let nodes = trees.reduce(0) { $0 + $1.nodes.count }
        let depth = trees.reduce(0) { max($0, $1.depth) }
        heap.reserve(exhaustive ? nodes : (settings.checks + settings.trees) * (depth + 8))
        insertionsSinceBuild = 0
        counters.rebuilds += 1
    }

    /// Whether `checks ≥ N`: no pruning, so the search checks every row.
    private var exhaustive: Bool { settings.checks >= rowCount }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(rows: [Int], in memory: MemoryMatrix<Scalar>) {
        guard !rows.isEmpty else { return }
        guard memory.rows == rowCount, memory.width == width, !trees.isEmpty else { return build(from: memory) }
        counters.rowsUpdated += rows.count
        if insertionsSinceBuild + rows.count >= rowCount { return build(from: memory) }   // the paper's policy
        for r in 0..<rows.count {
            let i = rows[r]
            for t in trees.indices { trees[t].remove(i) }
            rowNorms[i] = stabilisedNorm(memory.row(i), count: width, epsilon: epsilon)
        }
        let fitted = rowNorms.withUnsafeBufferPointer { norms in
            let p = points(memory, norms.baseAddress!)
            var fitted = true
            for r in 0..<rows.count where fitted {
                for t in trees.indices where fitted { fitted = trees[t].insert(rows[r], p) }
            }
            return fitted
        }
        if !fitted { return build(from: memory) }   // spare buckets used up
        insertionsSinceBuild += rows.count
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func query(_ q: UnsafePointer<Scalar>, k: Int, in memory: MemoryMatrix<Scalar>, into result: inout [Int]) {
        let n = memory.rows, w = memory.width
        guard let start = ranking.startQuery(q, k: k, rows: n, width: w, epsilon: epsilon, built: !trees.isEmpty,
                                             counters: &counters, point: &point)
        else { return ranking.write(into: &result) }
        nextStamp()
        heap.removeAll()
        var queryPointNormSquared: Scalar = 0
        for j in 0...w { queryPointNormSquared += point[j] * point[j] }
        var search = Search(query: q, queryNorm: start.queryNorm, normSquared: queryPointNormSquared,
                            limit: exhaustive ? n : settings.checks, prune: !exhaustive)
        for t in trees.indices { descend(tree: t, from: 0, bound: 0, &search, memory) }
        while search.checked < n, search.checked < search.limit || !ranking.isFull, let branch = heap.popMin() {
            descend(tree: Int(branch.tree), from: Int(branch.node), bound: branch.bound, &search, memory)
        }
        counters.distanceEvaluations += search.checked
        if !ranking.isFull {
            counters.distanceEvaluations += ranking.offerAllRows(q, queryNorm: start.queryNorm, in: memory, rowNorms: rowNorms)
        }
        ranking.write(into: &result)
    }

    /// One query's state while descending.
    private struct Search {
        let query: UnsafePointer<Scalar>, queryNorm: Scalar, normSquared: Scalar
        let limit: Int, prune: Bool
        var checked = 0
    }

    /// Descends tree `t` from `node` to a bucket, pushing the far side of each split, then checks the bucket.
    @inline(__always)
    private func descend(tree t: Int, from node: Int, bound: Scalar, _ s: inout Search, _ memory: MemoryMatrix<Scalar>) {
        trees[t].nodes.withUnsafeBufferPointer { nodes in
            var node = node
            while nodes[node].dimension >= 0 {
                let split = nodes[node], diff = point[Int(split.dimension)] - split.value
                let near = Int(split.child) + (diff < 0 ? 0 : 1), far = Int(split.child) + (diff < 0 ? 1 : 0)
                let farBound = bound + diff * diff
                if !s.prune || !ranking.isFull || farBound < worstDistance(s) {
                    heap.push(bound: farBound, tree: Int32(t), node: Int32(far))
                }
                node = near
            }
            check(bucket: Int(nodes[node].child), tree: t, &s, memory)
        }
    }

    /// `‖q̃ − m̃‖² = ‖q̃‖² + 1 − 2 s` of the ranking's K-th row (it is full).
    @inline(__always)
    private func worstDistance(_ s: Search) -> Scalar { s.normSquared + 1 - 2 * ranking.entries[ranking.k - 1].score }

    /// Scores the bucket's rows not yet checked by this query, until the limit is reached with K held.
    @inline(__always)
    private func check(bucket b: Int, tree t: Int, _ s: inout Search, _ memory: MemoryMatrix<Scalar>) {
        let tree = trees[t], capacity = tree.capacity, count = Int(tree.counts[b]), w = memory.width
        for j in 0..<count {
            let row = Int(tree.slots[b * capacity + j])
            if stamps[row] == stamp { continue }
            if s.checked >= s.limit && ranking.isFull { return }
            stamps[row] = stamp
            s.checked += 1
            ranking.offer(cosineSimilarity(s.query, queryNorm: s.queryNorm, memory.row(row), rowNorm: rowNorms[row], width: w),
                          row: row)
        }
    }

    private func nextStamp() {
        stamp &+= 1
        if stamp == 0 {   // after 2^32 queries: clear once
            for i in stamps.indices { stamps[i] = 0 }
            stamp = 1
        }
    }

    public var byteSize: Int { memoryAccount.reduce(0) { $0 + $1.bytes } }

    /// `byteSize` by part: the trees (nodes, buckets with their spares, each row's bucket), the norms
    /// and stamps (N each), and the build scratch, search heap and query buffers.
    public var memoryAccount: [MemoryAccountEntry] {
        let scalar = MemoryLayout<Scalar>.stride
        return [
            MemoryAccountEntry(part: "compact k-d forest: \(trees.count) trees (nodes, buckets, row → bucket)",
                               bytes: trees.reduce(0) { $0 + $1.byteSize }),
            MemoryAccountEntry(part: "compact k-d forest: row norms and query stamps (N each)",
                               bytes: rowNorms.capacity * scalar + stamps.capacity * MemoryLayout<UInt32>.stride),
            MemoryAccountEntry(part: "compact k-d forest: build scratch, branch heap, query buffers",
                               bytes: order.capacity * MemoryLayout<Int32>.stride
                                   + stack.capacity * MemoryLayout<(Int32, Int32, Int32, Int32)>.stride
                                   + heap.byteSize + point.capacity * scalar
                                   + ranking.entries.capacity * MemoryLayout<(score: Scalar, row: Int)>.stride),
        ]
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
