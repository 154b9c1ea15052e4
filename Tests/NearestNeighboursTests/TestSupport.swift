import NearestNeighbours
import SAMNumerics

/// Helpers shared by the index tests: random memories, and the brute-force oracle.
enum Support {
    /// An N x W memory with entries uniform in [-1, 1].
    static func uniformMemory<S: ModelScalar>(rows: Int, width: Int, _ g: inout SeededGenerator) -> MemoryMatrix<S> {
        let m = MemoryMatrix<S>(rows: rows, width: width)
        for i in 0..<(rows * width) { m.storage[i] = g.uniform(1) }
        return m
    }

    /// An N x W memory of random unit vectors (normal entries, then normalised).
    static func unitMemory<S: ModelScalar>(rows: Int, width: Int, _ g: inout SeededGenerator) -> MemoryMatrix<S> {
        let m = MemoryMatrix<S>(rows: rows, width: width)
        for i in 0..<rows { writeUnitVector(m.row(i), width: width, &g) }
        return m
    }

    /// Writes a random unit vector (W scalars) at `v`.
    static func writeUnitVector<S: ModelScalar>(_ v: UnsafeMutablePointer<S>, width: Int, _ g: inout SeededGenerator) {
        var sum: S = 0
        for j in 0..<width { v[j] = g.normal(); sum += v[j] * v[j] }
        let inverse = 1 / S.sqrt(sum)
        for j in 0..<width { v[j] *= inverse }
    }

    /// SPEC's cosine of `q` with every row, by plain loops.
    static func similarities<S: ModelScalar>(_ q: [S], _ memory: MemoryMatrix<S>, epsilon: S) -> [S] {
        let w = memory.width
        var qq: S = 0
        for j in 0..<w { qq += q[j] * q[j] }
        return (0..<memory.rows).map { i in
            var dot: S = 0, mm: S = 0
            for j in 0..<w {
                dot += q[j] * memory.storage[i * w + j]
                mm += memory.storage[i * w + j] * memory.storage[i * w + j]
            }
            return dot / (S.sqrt(qq + epsilon) * S.sqrt(mm + epsilon))
        }
    }

    /// The oracle: all rows sorted by similarity, best first, ties to the lower row.
    static func ranking<S: ModelScalar>(_ q: [S], _ memory: MemoryMatrix<S>, epsilon: S) -> (rows: [Int], scores: [S]) {
        let s = similarities(q, memory, epsilon: epsilon)
        let rows = s.indices.sorted { s[$0] > s[$1] || (s[$0] == s[$1] && $0 < $1) }
        return (rows, rows.map { s[$0] })
    }

    /// Runs one query through `index`.
    static func query<S: ModelScalar>(_ index: any NearestNeighbourIndex<S>, _ q: [S], k: Int,
                                      _ memory: MemoryMatrix<S>) -> [Int] {
        var result: [Int] = []
        q.withUnsafeBufferPointer { index.query($0.baseAddress!, k: k, in: memory, into: &result) }
        return result
    }

    /// Fraction of `truth` rows present in `found` (recall@K for one query).
    static func recall(_ found: [Int], _ truth: [Int]) -> Double {
        Double(Set(found).intersection(truth).count) / Double(max(1, truth.count))
    }
}
