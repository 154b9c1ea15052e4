import SAMNumerics

/// A compact randomised k-d forest (`--index kdtree-compact`): the paper's index (4 trees searched
/// best-bin-first until 32 rows are checked, by the same augmented cosine as `KDForestIndex`) in flat
/// arrays, with zero heap allocations per query and per update.
///
/// **The same algorithm as FLANN's `KDTreeIndex`** (Muja and Lowe; the paper's SAM used FLANN): random
/// split dimension among the 5 of highest variance over ≤ 100 sampled points, split at their mean; one
/// shared branch heap over all trees keyed by FLANN's incremental bound; a checked point counted once
/// across trees; the search stops once `checks` points were checked and K are held; a push onto a full
/// branch heap is dropped. The differences: leaves are buckets (`leafSize` = 1 row after a build, as
/// FLANN's leaves, up to `bucketCapacity` = 2 before an insertion splits them); a removed row
/// leaves its bucket (FLANN marks it removed and still walks it until a rebuild); an inserted row that
/// fills a bucket splits it by the build's rule (FLANN splits a one-point leaf on the coordinate of
/// largest span at the midpoint); a branch is pruned against the K-th best (FLANN's wrapper keeps 2K
/// candidates, so its bound is the 2K-th); checked rows are scored by the exact cosine at once (FLANN
/// scores by Euclidean distance on its normalised copy, and its wrapper re-ranks 2K by exact cosine).
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
    /// The branch heap, ranking, stamps and query point a query works in (`ForestSearch`).
    private var search = ForestSearch<Scalar>()
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
            search.stamps = Array(repeating: 0, count: rowCount)
            search.stamp = 0
        }
        if search.point.count != width + 1 { search.point = Array(repeating: 0, count: width + 1) }
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
        search.heap.reserve(exhaustive ? nodes : (settings.checks + settings.trees) * (depth + 8))
        insertionsSinceBuild = 0
        counters.rebuilds += 1
    }

    /// Whether `checks ≥ N`: no pruning, so the search checks every row.
    private var exhaustive: Bool { settings.checks >= rowCount }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(rows: [Int], in memory: MemoryMatrix<Scalar>) {
        reindex(rows, in: memory, restoring: false)
    }

    /// As `update`, with each row placed from its home node (`CompactKDTree.restore`): an episode's
    /// reset re-indexes the rows it put back without descending the levels above their old leaves.
    /// The rows land where `update` would put them, so the forest is the same bit for bit.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func restore(rows: [Int], in memory: MemoryMatrix<Scalar>) {
        reindex(rows, in: memory, restoring: true)
    }

    private func reindex(_ rows: [Int], in memory: MemoryMatrix<Scalar>, restoring: Bool) {
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
                for t in trees.indices where fitted {
                    fitted = restoring ? trees[t].restore(rows[r], p) : trees[t].insert(rows[r], p)
                }
            }
            return fitted
        }
        if !fitted { return build(from: memory) }   // spare buckets used up
        insertionsSinceBuild += rows.count
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func query(_ q: UnsafePointer<Scalar>, k: Int, in memory: MemoryMatrix<Scalar>, into result: inout [Int]) {
        // The search state leaves the object for the query (two swaps), so the loop below works on a
        // local: every access to a class's stored property is checked for exclusivity at run time.
        var s = ForestSearch<Scalar>()
        swap(&s, &search)
        defer { swap(&s, &search) }
        let n = memory.rows
        guard s.start(q, k: k, epsilon: epsilon, limit: exhaustive ? n : settings.checks, prune: !exhaustive,
                      memory: memory, built: !trees.isEmpty, counters: &counters)
        else { return s.ranking.write(into: &result) }
        rowNorms.withUnsafeBufferPointer { norms in
            trees.withUnsafeBufferPointer { trees in
                s.run(q, trees: trees, memory: memory, rowNorms: norms.baseAddress!)
            }
        }
        counters.distanceEvaluations += s.checked
        if !s.ranking.isFull {
            counters.distanceEvaluations += s.ranking.offerAllRows(q, queryNorm: s.queryNorm, in: memory, rowNorms: rowNorms)
        }
        s.ranking.write(into: &result)
    }

    public var byteSize: Int { memoryAccount.reduce(0) { $0 + $1.bytes } }

    /// `byteSize` by part: the trees (nodes, buckets with their spares, each row's bucket and home node), the norms
    /// and stamps (N each), and the build scratch, search heap and query buffers.
    public var memoryAccount: [MemoryAccountEntry] {
        let scalar = MemoryLayout<Scalar>.stride
        return [
            MemoryAccountEntry(part: "compact k-d forest: \(trees.count) trees (nodes, buckets, row → bucket, row → home node)",
                               bytes: trees.reduce(0) { $0 + $1.byteSize }),
            MemoryAccountEntry(part: "compact k-d forest: row norms and query stamps (N each)",
                               bytes: rowNorms.capacity * scalar + search.stamps.capacity * MemoryLayout<UInt32>.stride),
            MemoryAccountEntry(part: "compact k-d forest: build scratch, branch heap, query buffers",
                               bytes: order.capacity * MemoryLayout<Int32>.stride
                                   + stack.capacity * MemoryLayout<(Int32, Int32, Int32, Int32)>.stride
                                   + search.heap.byteSize + search.point.capacity * scalar
                                   + search.ranking.entries.capacity * MemoryLayout<(score: Scalar, row: Int)>.stride),
        ]
    }
}
