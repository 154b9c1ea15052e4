import CFLANN
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
/// **Updates.** `update(rows:in:)` removes each touched row's FLANN point, rewrites its slot and adds
/// it again (`flann_remove_point_*`, `flann_add_points_*`, one point per call, so each new point
/// points at its row's slot). FLANN numbers added points sequentially after its current size, so
/// the class keeps `idOfRow` (N) and `rowOfID` (≤ 2N) maps; in debug builds each predicted id is
/// checked with `flann_get_point_*`. FLANN's own rebuild is disabled; instead, following the paper,
/// the forest is rebuilt from scratch once N rows have been inserted since the last build
/// (counted in `counters.rebuilds`), which keeps updates amortised O(log N).
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
/// **Allocation.** The index's own buffers are reused across queries; FLANN itself makes 5 heap
/// allocations per search at every N (`make flann-allocations`: a `size_t` copy of the id buffer, the
/// result set's vector, the branch heap and its N-entry reservation, an N-bit "checked" set), which
/// the C API cannot avoid, and about 0.035 per point added (its node pool and point tables growing).
public final class KDForestIndex<Scalar: ModelScalar>: NearestNeighbourIndex {
    public var kind: IndexKind { .kdtree }
    public private(set) var counters = IndexCounters()
    /// ε of the stabilised norm.
    public let epsilon: Scalar
    /// Trees, checks and seed (the LSH fields are unused).
    public let settings: IndexSettings

    private let ops = FLANNOps.forScalar(Scalar.self)
    private var buildParameters: FLANNParameters
    private var searchParameters: FLANNParameters
    private var flann: flann_index_t?
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

    /// A forest with `settings.trees` trees searched with `settings.checks` checks.
    /// Call `build(from:)` before the first query. Settings are validated by `makeIndex`.
    public init(settings: IndexSettings, epsilon: Scalar) {
        self.settings = settings
        self.epsilon = epsilon
        buildParameters = flannKDTreeParameters(trees: settings.trees, checks: settings.checks, seed: settings.seed)
        searchParameters = flannKDTreeParameters(trees: settings.trees, checks: settings.checks, seed: nil)
    }

    deinit {
        freeForest()
        points?.deallocate()
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func build(from memory: MemoryMatrix<Scalar>) {
        freeForest()
        if memory.rows != rowCount || memory.width != width || points == nil {
            points?.deallocate()
            rowCount = memory.rows
            width = memory.width
            dimension = width + 1
            points = .allocate(capacity: max(1, rowCount * dimension))
            rowNorms = Array(repeating: 0, count: rowCount)
            queryPoint = Array(repeating: 0, count: dimension)
        }
        for i in 0..<rowCount { writePoint(i, from: memory) }
        buildForest()
        counters.rebuilds += 1
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(rows: [Int], in memory: MemoryMatrix<Scalar>) {
        guard !rows.isEmpty else { return }
        guard let flann, let points else { return build(from: memory) }
        counters.rowsUpdated += rows.count
        for i in rows {
            _ = ops.remove(flann, UInt32(idOfRow[i]))
            writePoint(i, from: memory)
        }
        if insertionsSinceBuild + rows.count >= rowCount {
            // The paper's policy: rebuild once N rows have been inserted since the last build.
            freeForest()
            buildForest()
            counters.rebuilds += 1
            return
        }
        for i in rows {
            let slot = UnsafeMutableRawPointer(points + i * dimension)
            // FLANN's rebuild threshold is set out of reach: rebuilds are ours to count.
            _ = ops.add(flann, slot, 1, Int32(dimension), 1e30)
            let id = Int32(rowOfID.count)
            assert(ops.point(flann, UInt32(id)) == slot, "FLANN assigned an unexpected id")
            idOfRow[i] = id
            rowOfID.append(Int32(i))
        }
        insertionsSinceBuild += rows.count
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func query(_ q: UnsafePointer<Scalar>, k: Int, in memory: MemoryMatrix<Scalar>, into result: inout [Int]) {
        let n = memory.rows, w = memory.width
        guard let start = ranking.startQuery(q, k: k, rows: n, width: w, epsilon: epsilon, built: flann != nil,
                                             counters: &counters, point: &queryPoint), let flann
        else { return ranking.write(into: &result) }
        let queryNorm = start.queryNorm, wanted = start.candidates
        reserveCandidates(wanted, &candidateIDs, filling: -1, &candidateDistances, filling: 0)
        var status: Int32 = -1
        if settings.checks < n {
            searchParameters.checks = Int32(clamping: settings.checks)
            status = queryPoint.withUnsafeMutableBytes { qp in
                candidateIDs.withUnsafeMutableBufferPointer { ids in
                    candidateDistances.withUnsafeMutableBytes { d in
                        ops.search(flann, qp.baseAddress!, 1, ids.baseAddress!, d.baseAddress!, Int32(wanted),
                                   &searchParameters)
                    }
                }
            }
            counters.flannSearches += 1
        }
        if status == 0 {
            for j in 0..<wanted {
                let id = Int(candidateIDs[j])
                guard id >= 0, id < rowOfID.count else { continue }
                let row = Int(rowOfID[id])
                // Only the live point of a row counts; a duplicate id cannot occur but is skipped too.
                guard Int(idOfRow[row]) == id, !ranking.entries.contains(where: { $0.row == row }) else { continue }
                ranking.offer(cosineSimilarity(q, queryNorm: queryNorm, memory.row(row),
                                               rowNorm: rowNorms[row], width: w), row: row)
                counters.distanceEvaluations += 1
            }
        }
        if !ranking.isFull {
            counters.distanceEvaluations += ranking.offerAllRows(q, queryNorm: queryNorm, in: memory, rowNorms: rowNorms)
        }
        ranking.write(into: &result)
    }

    public var byteSize: Int {
        let forest = flann.map { Int(ops.usedMemory($0)) } ?? 0
        let scalars = (rowCount * dimension + rowNorms.capacity + queryPoint.capacity + candidateDistances.capacity)
        return forest + scalars * MemoryLayout<Scalar>.stride
            + (idOfRow.capacity + rowOfID.capacity + candidateIDs.capacity) * MemoryLayout<Int32>.stride
            + ranking.entries.capacity * MemoryLayout<(score: Scalar, row: Int)>.stride
    }

    /// `byteSize` by part: the normalised points, FLANN's trees (its pool, as `flann_used_memory`
    /// reports it), FLANN's per-point tables (a pointer and an id per point ever added, and a removed
    /// bit, from FLANN's layout), and this class's norms, id maps and query buffers.
    public var memoryAccount: [MemoryAccountEntry] {
        let forest = flann.map { Int(ops.usedMemory($0)) } ?? 0
        let normalised = rowCount * dimension * MemoryLayout<Scalar>.stride
        let flannPoints = flann == nil ? 0 : rowOfID.count * (2 * MemoryLayout<Int>.stride) + rowOfID.count / 8
        return [
            MemoryAccountEntry(part: "k-d forest: normalised rows N x (W+1)", bytes: normalised),
            MemoryAccountEntry(part: "k-d forest: FLANN's trees (flann_used_memory)", bytes: forest),
            MemoryAccountEntry(part: "k-d forest: FLANN's point and id tables (16 B per point)", bytes: flannPoints),
            MemoryAccountEntry(part: "k-d forest: row norms, id maps, query buffers", bytes: byteSize - forest - normalised),
        ]
    }

    /// Writes row i's indexed point `[M(i)/‖M(i)‖_ε ; sqrt(ε)/‖M(i)‖_ε]` and its norm.
    private func writePoint(_ i: Int, from memory: MemoryMatrix<Scalar>) {
        rowNorms[i] = writeAugmentedUnitPoint(memory.row(i), width: width, epsilon: epsilon, into: points! + i * dimension)
    }

    /// Builds the forest over all points; FLANN ids are then the row indices.
    private func buildForest() {
        guard rowCount > 0, let points else { return }
        // The lock hands back the pointer's bit pattern: a raw pointer is not Sendable.
        let address = flannBuildLock.withLock { _ in
            Int(bitPattern: ops.build(UnsafeMutableRawPointer(points), Int32(rowCount), Int32(dimension),
                                      &buildParameters))
        }
        flann = UnsafeMutableRawPointer(bitPattern: address)
        precondition(flann != nil, "FLANN failed to build a k-d forest over \(rowCount) x \(dimension) points")
        idOfRow = (0..<Int32(rowCount)).map { $0 }
        rowOfID = idOfRow
        rowOfID.reserveCapacity(2 * rowCount)
        insertionsSinceBuild = 0
    }

    private func freeForest() {
        if let flann { _ = ops.free(flann, &searchParameters) }
        flann = nil
    }
}
