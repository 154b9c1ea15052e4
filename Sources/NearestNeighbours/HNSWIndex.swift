import CHNSW
import SAMNumerics

/// Hierarchical navigable small-world graph (hnswlib 0.6, Debian `libhnswlib-dev`) over the memory rows.
///
/// **What is indexed.** Row i is the point `m̃(i) = [M(i) / ‖M(i)‖_ε ; sqrt(ε) / ‖M(i)‖_ε]`
/// (`writeAugmentedUnitPoint`, the k-d forest's point) stored as `Float` with label i, in hnswlib's
/// inner-product space, whose distance `1 − q̃·m̃` for the query `q̃ = [q / ‖q‖_ε ; 0]` is `1 − s(i)`:
/// hnswlib ranks by SPEC's cosine, zero rows included. The graph keeps its own copy of the points.
///
/// **Updates, in place.** `update(rows:in:)` rewrites each touched row's point through hnswlib's own
/// replace path, `updatePoint` (what its `addPoint` does for an existing label): the point's vector is
/// replaced and its links are searched again with `efConstruction` candidates; each old neighbour's
/// links are re-chosen with probability `neighbourUpdateProbability`. No rebuild is ever needed; the
/// label of row i stays i, so a replaced row is found at its new place and never at its old one.
///
/// **Queries.** hnswlib returns the `min(N, max(2K, ef))`-wide search's best `min(N, 2K)` candidates;
/// they are re-ranked by SPEC's exact cosine computed from the current memory rows (so Float rounding
/// in the graph never decides an order), ties to the lower row, and the best K kept. If hnswlib
/// returns fewer than `min(N, 2K)` candidates (a graph that replacements have cut into pieces; seen
/// in the consistency tests at N ≤ 8 with M = 2) the query scans all rows instead, so it always
/// returns `min(k, N)` distinct rows and never ranks the worst row above one it failed to reach
/// when N ≤ 2K.
///
/// **Counters.** `distanceEvaluations` counts the exact re-ranking cosines plus the distances
/// hnswlib's searches evaluated (its own `metric_distance_computations`), so the search work is counted
/// exactly. Distances evaluated by inserts and replacements are not counted (hnswlib does not count them).
///
/// **Allocation.** hnswlib allocates per search (its candidate queues) and per replacement (candidate
/// sets); the C interface cannot avoid it.
public final class HNSWIndex<Scalar: ModelScalar>: NearestNeighbourIndex {
    public var kind: IndexKind { .hnsw }
    public private(set) var counters = IndexCounters()
    /// ε of the stabilised norm.
    public let epsilon: Scalar
    /// Links M, efConstruction, ef and seed (the other fields are unused).
    public let settings: IndexSettings
    /// Candidates kept while searching; may be changed between queries (the frontier sweeps it).
    public var searchEf: Int { didSet { if let graph { chnsw_set_ef(graph, searchEf) } } }
    /// Probability that a replaced point's neighbour has its links re-chosen (hnswlib's addPoint: 1).
    public let neighbourUpdateProbability: Float

    private var graph: OpaquePointer?
    private var rowCount = 0
    private var width = 0
    private var point: [Float] = []
    private var rowNorms: [Scalar] = []
    private var labels: [Int] = []
    private var distances: [Float] = []
    private var searchDistancesCounted = 0
    private var ranking = TopK<Scalar>()

    /// A graph with `settings.hnswLinks` links per node, built with `settings.hnswConstructionEf` and
    /// searched with `settings.hnswSearchEf`. Call `build(from:)` before the first query.
    /// Settings are validated by `makeIndex`.
    public init(settings: IndexSettings, epsilon: Scalar, neighbourUpdateProbability: Float = 0) {
        self.settings = settings
        self.epsilon = epsilon
        self.searchEf = settings.hnswSearchEf
        self.neighbourUpdateProbability = neighbourUpdateProbability
    }

    deinit { chnsw_free(graph) }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func build(from memory: MemoryMatrix<Scalar>) {
        chnsw_free(graph)
        graph = nil
        rowCount = memory.rows
        width = memory.width
        point = Array(repeating: 0, count: width + 1)
        rowNorms = Array(repeating: 0, count: rowCount)
        searchDistancesCounted = 0
        counters.rebuilds += 1
        guard rowCount > 0 else { return }
        graph = chnsw_create(width + 1, rowCount, settings.hnswLinks, settings.hnswConstructionEf,
                             Int(truncatingIfNeeded: settings.seed))
        precondition(graph != nil, "hnswlib could not allocate a graph of \(rowCount) x \(width + 1) points")
        chnsw_set_ef(graph, searchEf)
        for i in 0..<rowCount {
            writePoint(i, from: memory)
            let status = point.withUnsafeBufferPointer { chnsw_add(graph, $0.baseAddress!, i) }
            precondition(status == 0, "hnswlib failed to insert row \(i)")
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(rows: [Int], in memory: MemoryMatrix<Scalar>) {
        guard !rows.isEmpty else { return }
        guard let graph, memory.rows == rowCount, memory.width == width else { return build(from: memory) }
        counters.rowsUpdated += rows.count
        for i in rows {
            writePoint(i, from: memory)
            let status = point.withUnsafeBufferPointer {
                chnsw_replace(graph, $0.baseAddress!, i, neighbourUpdateProbability)
            }
            precondition(status == 0, "hnswlib failed to replace row \(i)")
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func query(_ q: UnsafePointer<Scalar>, k: Int, in memory: MemoryMatrix<Scalar>, into result: inout [Int]) {
        let n = memory.rows, w = memory.width
        guard let start = ranking.startQuery(q, k: k, rows: n, width: w, epsilon: epsilon, built: graph != nil,
                                             counters: &counters, point: &point), let graph
        else { return ranking.write(into: &result) }
        let queryNorm = start.queryNorm, wanted = start.candidates
        reserveCandidates(wanted, &labels, filling: 0, &distances, filling: 0)
        let found = point.withUnsafeBufferPointer { p in
            labels.withUnsafeMutableBufferPointer { l in
                distances.withUnsafeMutableBufferPointer { d in
                    chnsw_search(graph, p.baseAddress!, wanted, l.baseAddress!, d.baseAddress!)
                }
            }
        }
        let searched = chnsw_search_distances(graph)
        counters.distanceEvaluations += searched - searchDistancesCounted
        searchDistancesCounted = searched
        for j in 0..<max(0, found) {
            let row = labels[j]
            guard row < n else { continue }
            ranking.offer(cosineSimilarity(q, queryNorm: queryNorm, memory.row(row), rowNorm: rowNorms[row], width: w),
                          row: row)
            counters.distanceEvaluations += 1
        }
        if found < wanted || !ranking.isFull {
            counters.distanceEvaluations += ranking.offerAllRows(q, queryNorm: queryNorm, in: memory, rowNorms: rowNorms)
        }
        ranking.write(into: &result)
    }

    public var byteSize: Int {
        (graph.map { chnsw_bytes($0) } ?? 0)
            + (point.capacity + distances.capacity) * MemoryLayout<Float>.stride
            + rowNorms.capacity * MemoryLayout<Scalar>.stride + labels.capacity * MemoryLayout<Int>.stride
            + ranking.entries.capacity * MemoryLayout<(score: Scalar, row: Int)>.stride
    }

    /// Writes row i's augmented unit point into `point` (Float) and keeps its norm.
    private func writePoint(_ i: Int, from memory: MemoryMatrix<Scalar>) {
        rowNorms[i] = point.withUnsafeMutableBufferPointer {
            writeAugmentedUnitPoint(memory.row(i), width: width, epsilon: epsilon, into: $0.baseAddress!)
        }
    }
}
