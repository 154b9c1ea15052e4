import SAMNumerics

/// The exact index: a scan of all N rows (the paper's "SAM linear").
///
/// Keeps the stabilised norm of every row, refreshed by `update`, so a query costs N dot products
/// plus a top-K selection, O(N·W + N·K). The dot products are `ModelScalar.dot` (`orderedDot`): the
/// same arithmetic the models use, summed in a fixed order, so two equal rows score bit-identically
/// wherever they sit in memory and SPEC's tie rule (lower row index wins) decides, not rounding.
public final class ExactIndex<Scalar: ModelScalar>: NearestNeighbourIndex {
    public var kind: IndexKind { .exact }
    public private(set) var counters = IndexCounters()
    /// ε of the stabilised norm.
    public let epsilon: Scalar
    private var rowNorms: [Scalar] = []
    private var ranking = TopK<Scalar>()
    /// Test-only regression (`PerformanceFault.exactIndexFullSort`): sort all N similarities per
    /// query, as a developer might write it, instead of keeping the best K.
    @_spi(FaultInjection) public var injectedFullSort = false

    public init(epsilon: Scalar) { self.epsilon = epsilon }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func build(from memory: MemoryMatrix<Scalar>) {
        rowNorms = (0..<memory.rows).map { stabilisedNorm(memory.row($0), count: memory.width, epsilon: epsilon) }
        counters.rebuilds += 1
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(rows: [Int], in memory: MemoryMatrix<Scalar>) {
        for i in rows { rowNorms[i] = stabilisedNorm(memory.row(i), count: memory.width, epsilon: epsilon) }
        counters.rowsUpdated += rows.count
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func query(_ q: UnsafePointer<Scalar>, k: Int, in memory: MemoryMatrix<Scalar>, into result: inout [Int]) {
        let n = memory.rows, w = memory.width
        let queryNorm = stabilisedNorm(q, count: w, epsilon: epsilon)
        if injectedFullSort {
            let scored = (0..<n).map { (cosineSimilarity(q, queryNorm: queryNorm, memory.row($0), rowNorm: rowNorms[$0], width: w), $0) }
                .sorted { TopK<Scalar>.ranksAbove($0.0, $0.1, $1.0, $1.1) }
            result = scored.prefix(min(k, n)).map(\.1)
            counters.distanceEvaluations += n
            counters.queries += 1
            return
        }
        ranking.reset(k: min(k, n))
        for i in 0..<n {
            ranking.offer(cosineSimilarity(q, queryNorm: queryNorm, memory.row(i), rowNorm: rowNorms[i], width: w), row: i)
        }
        ranking.write(into: &result)
        counters.distanceEvaluations += n
        counters.queries += 1
    }

    public var byteSize: Int {
        rowNorms.capacity * MemoryLayout<Scalar>.stride
            + ranking.entries.capacity * MemoryLayout<(score: Scalar, row: Int)>.stride
    }
}
