import SAMNumerics

/// The exact index: a scan of all N rows (the paper's "SAM linear").
///
/// Keeps the stabilised norm of every row, refreshed by `update`, so a query costs one
/// matrix-vector product (BLAS gemv, N x W) plus a top-K selection in O(N log K).
/// Ties in similarity go to the lower row index (SPEC, "Decisions the paper leaves open").
public final class ExactIndex<Scalar: ModelScalar>: NearestNeighbourIndex {
    public var kind: IndexKind { .exact }
    public private(set) var counters = IndexCounters()
    /// ε of the stabilised norm.
    public let epsilon: Scalar
    private var rowNorms: [Scalar] = []
    private var scores: [Scalar] = []
    private var best: [(score: Scalar, row: Int)] = []

    public init(epsilon: Scalar) { self.epsilon = epsilon }

    public func build(from memory: MemoryMatrix<Scalar>) {
        rowNorms = (0..<memory.rows).map { stabilisedNorm(memory.row($0), count: memory.width, epsilon: epsilon) }
        scores = Array(repeating: 0, count: memory.rows)
        counters.rebuilds += 1
    }

    public func update(rows: [Int], in memory: MemoryMatrix<Scalar>) {
        for i in rows { rowNorms[i] = stabilisedNorm(memory.row(i), count: memory.width, epsilon: epsilon) }
        counters.rowsUpdated += rows.count
    }

    public func query(_ q: UnsafePointer<Scalar>, k: Int, in memory: MemoryMatrix<Scalar>, into result: inout [Int]) {
        let n = memory.rows, w = memory.width, k = min(k, n)
        let queryNorm = stabilisedNorm(q, count: w, epsilon: epsilon)
        scores.withUnsafeMutableBufferPointer { s in
            Scalar.gemv(transposed: false, rows: n, cols: w, alpha: 1, memory.storage.baseAddress!, q,
                        beta: 0, s.baseAddress!)
        }
        best.removeAll(keepingCapacity: true)
        for i in 0..<n {
            let s = scores[i] / (queryNorm * rowNorms[i])
            // Rows arrive in ascending order, so an equal score never displaces an earlier row.
            if best.count == k {
                guard s > best[k - 1].score else { continue }
                best.removeLast()
            }
            var at = best.count
            while at > 0 && best[at - 1].score < s { at -= 1 }
            best.insert((s, i), at: at)
        }
        result.removeAll(keepingCapacity: true)
        for entry in best { result.append(entry.row) }
        counters.distanceEvaluations += n
        counters.queries += 1
    }

    public var byteSize: Int {
        (rowNorms.capacity + scores.capacity) * MemoryLayout<Scalar>.stride
            + best.capacity * MemoryLayout<(score: Scalar, row: Int)>.stride
    }
}
