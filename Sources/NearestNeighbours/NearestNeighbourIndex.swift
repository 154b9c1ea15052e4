import SAMNumerics

/// Which nearest-neighbour index a sparse model reads through (`--index exact|kdtree|lsh|hnsw|kdtree-compact`).
public enum IndexKind: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    /// A scan of all N rows: exact, Θ(N·W) per query (the paper's "SAM linear").
    case exact
    /// FLANN randomized k-d forest: approximate, Θ(log N) per query.
    case kdtree
    /// Random-hyperplane locality-sensitive hashing re-ranked by exact cosine.
    case lsh
    /// hnswlib's hierarchical navigable small-world graph, updated in place: approximate, ~Θ(log N) per query.
    case hnsw
    /// The same randomised k-d forest in flat arrays with leaf buckets (`CompactKDForestIndex`): no
    /// allocation per query or update, a fraction of FLANN's memory; approximate, Θ(log N) per query.
    case kdtreeCompact = "kdtree-compact"
    public var description: String { rawValue }
}

/// Counters every index keeps, so work per step can be measured exactly.
public struct IndexCounters: Codable, Sendable, Equatable {
    /// Rows passed to `update` since creation.
    public var rowsUpdated = 0
    /// Full rebuilds from all rows (including the first build).
    public var rebuilds = 0
    /// Distances (or similarities) between a query and a row that were evaluated.
    public var distanceEvaluations = 0
    /// Queries answered.
    public var queries = 0
    /// Searches handed to an external library whose own distance count is not observable
    /// (FLANN's k-d forest: each bounded by its `checks` budget); 0 for the other indexes.
    public var flannSearches = 0
    public init() {}
}

/// A nearest-neighbour index over the rows of a `MemoryMatrix`, by SPEC's cosine similarity
/// `s(i) = (q·M(i)) / (‖q‖_ε ‖M(i)‖_ε)`.
///
/// Models hold their index as an existential, whose calls reach the generic implementation, so every
/// implementation marks `build`, `update` and `query` `@_specialize`d for Float and Double: the generic
/// entry point then dispatches to a specialised body instead of running witness-table arithmetic.
///
/// Promise: after `build(from:)` and after every `update(rows:in:)` naming each row whose
/// contents changed, `query` never returns a stale row (one whose similarity it judged on old
/// contents) and returns `min(k, N)` distinct rows, best first, ties broken by the lower row
/// index where the index can see them. An exact index returns exactly the K best rows.
public protocol NearestNeighbourIndex<Scalar>: AnyObject {
    associatedtype Scalar: ModelScalar
    /// Which kind of index this is.
    var kind: IndexKind { get }
    /// (Re)build the index from all rows of `memory`.
    func build(from memory: MemoryMatrix<Scalar>)
    /// Rows `rows` (distinct) of `memory` have new contents; `memory` already holds them.
    func update(rows: [Int], in memory: MemoryMatrix<Scalar>)
    /// `update(rows:in:)` for rows put back (an episode's reset): each row holds the contents it had
    /// at its last `restore` since the last `build(from:)`, or any contents the first time. Same
    /// promise as `update`; an index may use it to find a row's place faster. Default: `update`.
    func restore(rows: [Int], in memory: MemoryMatrix<Scalar>)
    /// The `k` rows most similar to the query `q` (W scalars), best first, written into `result`
    /// (its previous contents are discarded; its capacity is reused so a query allocates nothing).
    func query(_ q: UnsafePointer<Scalar>, k: Int, in memory: MemoryMatrix<Scalar>, into result: inout [Int])
    /// Bytes the index holds beyond the memory itself.
    var byteSize: Int { get }
    /// `byteSize` by part (a single "index" line unless the index says more).
    var memoryAccount: [MemoryAccountEntry] { get }
    /// Work counters since creation.
    var counters: IndexCounters { get }
}

extension NearestNeighbourIndex {
    public var memoryAccount: [MemoryAccountEntry] { [MemoryAccountEntry(part: "index (\(kind))", bytes: byteSize)] }

    public func restore(rows: [Int], in memory: MemoryMatrix<Scalar>) { update(rows: rows, in: memory) }

    /// A batch of `count` queries stored contiguously (`count x W`), one result per query.
    public func query(batch queries: UnsafePointer<Scalar>, count: Int, k: Int,
                      in memory: MemoryMatrix<Scalar>, into results: inout [[Int]]) {
        if results.count != count { results = Array(repeating: [], count: count) }
        for j in 0..<count {
            query(queries + j * memory.width, k: k, in: memory, into: &results[j])
        }
    }
}
