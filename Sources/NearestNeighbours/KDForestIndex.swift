import SAMNumerics

/// FLANN randomized k-d forest over the memory rows (the paper's SAM index: 4 trees, 32 checks).
///
/// **What is indexed.** Row i is stored as the (W+1)-vector
/// `m̃(i) = [M(i) / ‖M(i)‖_ε ; sqrt(ε) / ‖M(i)‖_ε]`, i.e. the row normalised by SPEC's stabilised norm
/// plus one coordinate that makes `‖m̃(i)‖ = 1` exactly (because `(M·M + ε) / ‖M‖_ε² = 1`). The query
/// is `q̃ = [q / ‖q‖_ε ; 0]`. Then `‖q̃ − m̃(i)‖² = ‖q̃‖² + 1 − 2 s(i)` with `s(i)` SPEC's cosine, so the
/// Euclidean order is exactly the cosine order, zero and short rows included (plain normalisation
/// alone would put a zero row, `m̂ = 0`, nearer than any row with `s < ½`).
/// The points live in one `N x (W+1)` buffer owned by this class; FLANN keeps pointers into it.
///
/// **FLANN.** The forest is FLANN's `KDTreeIndex`, built, updated and searched through CKDForest: the
/// search is FLANN's own best-bin-first algorithm (identical results, `CKDForestTests`) on a branch
/// heap and visited set kept between queries, so it neither allocates nor clears N bits per query.
///
/// **Updates.** `update(rows:in:)` removes each touched row's FLANN point, rewrites its slot and adds
/// it again (one point per call, so each new point points at its row's slot). FLANN numbers added points sequentially after its current size, so
/// the class keeps `idOfRow` (N) and `rowOfID` (≤ 2N) maps; in debug builds each predicted id is
/// checked with `ckdforest_*_point`. FLANN's own rebuild is disabled; instead, following the paper,
/// the forest is rebuilt from scratch once N rows have been inserted since the last build
/// (counted in `counters.rebuilds`), which keeps updates amortised O(log N).
///
/// **Zero rows.** Rows whose entries are all zero (SAM's M_0 = 0, and rows a reset restores to it)
/// are one point `[0 … 0 ; 1]`; a forest over many copies of it splits them on coordinates of zero
/// variance, and its search spends its checks on them instead of on the written rows. So they are
/// kept out of FLANN (built over the other rows only, removed when a row becomes zero) and kept in
/// `ZeroRows`; a query offers the K lowest of them with their exact cosine, 0, which is the exact
/// index's choice among them by SPEC's tie rule. FLANN is searched with its candidate count and
/// checks capped at the number of rows it holds live.
///
/// **Queries.** FLANN returns the `min(N, 2K)` nearest candidates; they are re-ranked by SPEC's
/// exact cosine computed from the current memory rows, ties to the lower row, and the best K kept.
/// Candidates whose FLANN id is not the live id of its row are dropped, so a stale point can never
/// be returned. With `checks ≥ N` the search is exhaustive: it is answered by an exact scan of
/// all rows, so it returns exactly the exact index's result. FLANN is not used for it because its
/// "exact" k-d search (`FLANN_CHECKS_UNLIMITED`) is not exact (it adds a bound per split along a
/// path even when a dimension is split twice, and can prune the true neighbour; observed in the
/// property tests), prints a warning to stderr on every query with more than one tree, and its
/// best-bin-first search bounds its branch heap. If FLANN yields fewer than K usable candidates
/// (never seen in practice) the query also falls back to the scan, so it always returns
/// `min(k, N)` distinct rows.
///
/// **Counters.** FLANN's C API does not report how many distances its search evaluated (its
/// `checks` budget bounds the leaves visited over all trees together, not the distances), so
/// `distanceEvaluations` counts exactly the distances this class evaluates: the FLANN candidates
/// re-ranked by exact cosine (at most 2K per query), plus N for a scan. FLANN's own tree-walk work
/// is not counted; `flannSearches` counts the searches handed to it, each bounded by `checks`.
///
/// **Allocation.** No heap allocation per search: the index's buffers and CKDForest's heap, visited
/// set and result set are reused (FLANN's C API made 5 per search, `make flann-allocations`). None per
/// update between rebuilds either: an added point takes 2 tree nodes per tree, first from the nodes
/// CKDForest's removal spliced out of the trees (a removed point's leaf and its parent, so steady-state
/// replacements take no new nodes and the trees' bytes stay the build's), else from FLANN's node pool
/// (`PooledAllocator`, which on its own mallocs an 8 KiB block whenever one fills: once per 32 points
/// with 4 trees of Float), and CKDForest's build gives the pool one block for the nodes of as many adds
/// as the forest has points, and reserves FLANN's point and id tables and its removed-point bitset for
/// 2N. What still allocates is the rebuild, once per N rows inserted: FLANN's `buildIndex` (its pool,
/// its index parameters map, its index vectors). The result set is CKDForest's, one per thread, so the
/// new forest's first search allocates none.
public final class KDForestIndex<Scalar: ModelScalar>: NearestNeighbourIndex {
    public var kind: IndexKind { .kdtree }
    public private(set) var counters = IndexCounters()
    /// ε of the stabilised norm.
    public let epsilon: Scalar
    /// Trees, checks and seed (the LSH fields are unused).
    public let settings: IndexSettings

    private let ops = FLANNOps.forScalar(Scalar.self)
    private var flann: OpaquePointer?
    private var rowCount = 0
    private var width = 0
    /// Point dimension W + 1.
    private var dimension = 0
    /// `rowCount x dimension` indexed points; stable while `flann` is alive.
    private var points: UnsafeMutablePointer<Scalar>?
    private var rowNorms: [Scalar] = []
    private var idOfRow: [Int32] = []
    private var rowOfID: [Int32] = []
    private var insertionsSinceBuild = 0
    private var queryPoint: [Scalar] = []
    private var candidateIDs: [Int32] = []
    private var candidateDistances: [Scalar] = []
    private var ranking = TopK<Scalar>()
    private var zeroRows = ZeroRows()
    /// The non-zero rows' points, contiguous, that the forest was built over (FLANN keeps pointers into it).
    private var buildPoints: UnsafeMutablePointer<Scalar>?
    private var built = false

    /// A forest with `settings.trees` trees searched with `settings.checks` checks.
    /// Call `build(from:)` before the first query. Settings are validated by `makeIndex`.
    public init(settings: IndexSettings, epsilon: Scalar) {
        self.settings = settings
        self.epsilon = epsilon
    }

    deinit {
        freeForest()
        points?.deallocate()
        buildPoints?.deallocate()
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func build(from memory: MemoryMatrix<Scalar>) {
        freeForest()
        if memory.rows != rowCount || memory.width != width || points == nil {
            points?.deallocate()
            buildPoints?.deallocate()
            rowCount = memory.rows
            width = memory.width
            dimension = width + 1
            points = .allocate(capacity: max(1, rowCount * dimension))
            buildPoints = nil
            zeroRows.reset(rows: rowCount)
            rowNorms = Array(repeating: 0, count: rowCount)
            queryPoint = Array(repeating: 0, count: dimension)
        }
        writePoints(0..<rowCount, from: memory)
        buildForest()
        built = true
        counters.rebuilds += 1
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(rows: [Int], in memory: MemoryMatrix<Scalar>) {
        guard !rows.isEmpty else { return }
        guard built, let points else { return build(from: memory) }
        counters.rowsUpdated += rows.count
        // Each row's old point leaves the forest before the row is rewritten (rows are distinct and
        // each step touches only its own row, so removing all first is the same as interleaving).
        let forest = flann
        idOfRow.withUnsafeMutableBufferPointer { idOfRow in
            for i in rows {
                if let forest, idOfRow[i] >= 0 { _ = ops.remove(forest, Int(idOfRow[i])) }
                idOfRow[i] = -1
            }
        }
        writePoints(rows, from: memory)
        var added = 0
        for i in rows where !zeroRows.contains(i) { added += 1 }
        if added == 0 { return }
        guard let flann, insertionsSinceBuild + added < rowCount else {
            // The paper's policy: rebuild once N rows have been inserted since the last build
            // (or build, when the forest held no row).
            freeForest()
            buildForest()
            counters.rebuilds += 1
            return
        }
        let dimension = dimension, zero = zeroRows
        var rowOf: [Int32] = []
        swap(&rowOf, &rowOfID)   // uniquely held while appended to (no copy)
        idOfRow.withUnsafeMutableBufferPointer { idOfRow in
            for i in rows where !zero.contains(i) {
                let slot = UnsafeMutableRawPointer(points + i * dimension)
                // CKDForest never rebuilds on add: rebuilds are ours to count.
                let id = Int32(rowOf.count)
                let assigned = ops.add(flann, slot)
                assert(assigned == Int(id) && ops.point(flann, Int(id)) == slot, "FLANN assigned an unexpected id")
                idOfRow[i] = id
                rowOf.append(Int32(i))
            }
        }
        swap(&rowOf, &rowOfID)
        insertionsSinceBuild += added
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func query(_ q: UnsafePointer<Scalar>, k: Int, in memory: MemoryMatrix<Scalar>, into result: inout [Int]) {
        let n = memory.rows, w = memory.width
        guard let start = ranking.startQuery(q, k: k, rows: n, width: w, epsilon: epsilon, built: built,
                                             counters: &counters, point: &queryPoint)
        else { return ranking.write(into: &result) }
        let queryNorm = start.queryNorm, live = n - zeroRows.count, wanted = min(start.candidates, live)
        reserveCandidates(wanted, &candidateIDs, filling: -1, &candidateDistances, filling: 0)
        var found = -1
        if settings.checks < n, let flann, wanted > 0 {
            let checks = Int32(clamping: min(settings.checks, live))
            found = queryPoint.withUnsafeBytes { qp in
                candidateIDs.withUnsafeMutableBufferPointer { ids in
                    candidateDistances.withUnsafeMutableBytes { d in
                        ops.search(flann, qp.baseAddress!, wanted, checks, ids.baseAddress!, d.baseAddress!)
                    }
                }
            }
            counters.flannSearches += 1
        }
        let status: Int32 = found >= 0 ? 0 : -1
        // The candidates are ranked in locals: one access to each stored property per query, not
        // one per candidate (each can cost a dynamic exclusivity check). `ranking` is moved out (into
        // `top`) and back (a swap, so its storage stays uniquely held and is not copied).
        let candidates = candidateIDs, rowOf = rowOfID, idOf = idOfRow, norms = rowNorms
        var top = TopK<Scalar>(), evaluations = 0
        swap(&top, &ranking)
        if status == 0 {
            for j in 0..<wanted {
                let id = Int(candidates[j])
                guard id >= 0, id < rowOf.count else { continue }
                let row = Int(rowOf[id])
                // Only the live point of a row counts; a duplicate id cannot occur but is skipped too.
                guard Int(idOf[row]) == id, !top.entries.contains(where: { $0.row == row }) else { continue }
                top.offer(cosineSimilarity(q, queryNorm: queryNorm, memory.row(row),
                                               rowNorm: norms[row], width: w), row: row)
                evaluations += 1
            }
        }
        zeroRows.forLowest(top.k) { row in
            top.offer(cosineSimilarity(q, queryNorm: queryNorm, memory.row(row), rowNorm: norms[row], width: w), row: row)
            evaluations += 1
        }
        swap(&top, &ranking)
        counters.distanceEvaluations += evaluations
        if settings.checks >= n || (status != 0 && live > 0) || !ranking.isFull {
            counters.distanceEvaluations += ranking.offerAllRows(q, queryNorm: queryNorm, in: memory, rowNorms: rowNorms)
        }
        ranking.write(into: &result)
    }

    public var byteSize: Int {
        let forest = flann.map { Int(ops.usedMemory($0)) } ?? 0
        let scalars = ((buildPoints == nil ? 1 : 2) * rowCount * dimension + rowNorms.capacity + queryPoint.capacity + candidateDistances.capacity)
        return forest + scalars * MemoryLayout<Scalar>.stride
            + (idOfRow.capacity + rowOfID.capacity + candidateIDs.capacity) * MemoryLayout<Int32>.stride
            + ranking.entries.capacity * MemoryLayout<(score: Scalar, row: Int)>.stride + zeroRows.byteSize
    }

    /// `byteSize` by part: the normalised points, FLANN's trees (its pool, as `flann_used_memory`
    /// reports it), FLANN's per-point tables (a pointer and an id per point ever added, and a removed
    /// bit, from FLANN's layout), and this class's norms, id maps and query buffers.
    public var memoryAccount: [MemoryAccountEntry] {
        let forest = flann.map { Int(ops.usedMemory($0)) } ?? 0
        let normalised = rowCount * dimension * MemoryLayout<Scalar>.stride
        let flannPoints = flann == nil ? 0 : rowOfID.count * (2 * MemoryLayout<Int>.stride) + rowOfID.count / 8
        let buildCopy = buildPoints == nil ? 0 : normalised
        return [
            MemoryAccountEntry(part: "k-d forest: normalised rows N x (W+1)", bytes: normalised),
            MemoryAccountEntry(part: "k-d forest: FLANN's trees (flann_used_memory)", bytes: forest),
            MemoryAccountEntry(part: "k-d forest: FLANN's point and id tables (16 B per point)", bytes: flannPoints),
            MemoryAccountEntry(part: "k-d forest: copy of the non-zero rows' points it was built over, when some rows are zero (N x (W+1))",
                               bytes: buildCopy),
            MemoryAccountEntry(part: "k-d forest: row norms, id maps, zero rows, query buffers",
                               bytes: byteSize - forest - normalised - buildCopy),
        ]
    }

    /// Writes each of `rows`' indexed point `[M(i)/‖M(i)‖_ε ; sqrt(ε)/‖M(i)‖_ε]` and its norm, and
    /// whether it is a zero row. One access to each stored property for the batch, not one per row
    /// (each can cost a dynamic exclusivity check); `zeroRows` is moved out and back (a swap, no copy).
    private func writePoints<Rows: Sequence<Int>>(_ rows: Rows, from memory: MemoryMatrix<Scalar>) {
        guard let points else { return }
        let width = width, dimension = dimension, epsilon = epsilon
        var zero = ZeroRows()
        swap(&zero, &zeroRows)
        rowNorms.withUnsafeMutableBufferPointer { rowNorms in
            for i in rows {
                rowNorms[i] = writeAugmentedUnitPoint(memory.row(i), width: width, epsilon: epsilon, into: points + i * dimension)
                zero.set(i, zero: ZeroRows.isZero(memory.row(i), width: width))
            }
        }
        swap(&zero, &zeroRows)
    }

    /// Builds the forest over the non-zero rows' points; FLANN id j is then the j-th of them. When no
    /// row is zero (a uniform M_0) that is `points` itself; otherwise they are copied, in row order,
    /// into `buildPoints`, allocated the first time it is needed (FLANN keeps pointers into it).
    /// No forest when every row is zero.
    private func buildForest() {
        guard rowCount > 0, let points else { return }
        idOfRow = Array(repeating: -1, count: rowCount)
        rowOfID.removeAll(keepingCapacity: true)
        rowOfID.reserveCapacity(2 * rowCount)
        let dataset: UnsafeMutablePointer<Scalar>
        if zeroRows.count == 0 {
            dataset = points
            for i in 0..<rowCount { idOfRow[i] = Int32(i); rowOfID.append(Int32(i)) }
        } else {
            if buildPoints == nil { buildPoints = .allocate(capacity: rowCount * dimension) }
            dataset = buildPoints!
            for i in 0..<rowCount where !zeroRows.contains(i) {
                idOfRow[i] = Int32(rowOfID.count)
                (dataset + rowOfID.count * dimension).update(from: points + i * dimension, count: dimension)
                rowOfID.append(Int32(i))
            }
        }
        insertionsSinceBuild = 0
        guard !rowOfID.isEmpty else { return }
        // The lock hands back the pointer's bit pattern: a raw pointer is not Sendable.
        let address = flannBuildLock.withLock { _ in
            Int(bitPattern: ops.build(UnsafeMutableRawPointer(dataset), rowOfID.count, dimension,
                                      Int32(clamping: settings.trees), flannSeed(settings.seed)))
        }
        flann = OpaquePointer(bitPattern: address)
        precondition(flann != nil, "FLANN failed to build a k-d forest over \(rowOfID.count) x \(dimension) points")
    }

    private func freeForest() {
        if let flann { ops.free(flann) }
        flann = nil
    }
}
