import NearestNeighbours
import SAMNumerics
import Testing

/// The k-d forest built over identical rows (SAM's M_0 = 0: every point is [0…0; 1]) and then given
/// the written rows by `update`, as in training: how often a query near a written row gets it back.
/// N = 128, W = 16, 8 written rows uniform in ±1, query = the target row plus uniform ±1 noise.
///
/// Measured (debug build, seed 5, 200 trials): exact 1.0 / 1.0 / 0.98 / 0.965 and k-d forest
/// (4 trees, 32 checks) 0.795 / 0.945 / 0.93 / 0.925 for M_0 = 0 / uniform ±1e-5 / ±1e-3 / ±0.1.
/// So a forest built on a zero memory misses about 1 written row in 5 that exact search finds, and a
/// fill of ±1e-5 (cosine-wise still a zero memory: ‖v‖² ≪ ε) gives it back a non-degenerate tree.
@Suite struct KDForestDuplicateRowsTests {
    static func hitRate(_ kind: IndexKind, scale: Float, trials: Int) throws -> Double {
        var g = SeededGenerator(seed: 5)
        let n = 128, w = 16
        var hits = 0
        for _ in 0..<trials {
            let memory = MemoryMatrix<Float>(rows: n, width: w)
            for i in 0..<n { for d in 0..<w { memory.row(i)[d] = scale == 0 ? 0 : Float.random(in: -scale...scale, using: &g) } }
            let rows = Array((0..<n).shuffled(using: &g).prefix(8))
            let index = try makeIndex(kind: kind, settings: IndexSettings(), epsilon: Float(1e-6), k: 4)
            index.build(from: memory)
            for i in rows { for d in 0..<w { memory.row(i)[d] = Float.random(in: -1...1, using: &g) } }
            index.update(rows: rows, in: memory)
            var q = [Float](repeating: 0, count: w), result: [Int] = []
            for d in 0..<w { q[d] = memory.row(rows[0])[d] + Float.random(in: -1...1, using: &g) }
            q.withUnsafeBufferPointer { index.query($0.baseAddress!, k: 4, in: memory, into: &result) }
            if result.contains(rows[0]) { hits += 1 }
        }
        return Double(hits) / Double(trials)
    }

    @Test func aForestBuiltOnAZeroMemoryMissesWrittenRows() throws {
        let exactZeros = try Self.hitRate(.exact, scale: 0, trials: 100)
        let forestZeros = try Self.hitRate(.kdtree, scale: 0, trials: 100)
        let forestFilled = try Self.hitRate(.kdtree, scale: 1e-5, trials: 100)
        #expect(exactZeros >= 0.95, "exact: \(exactZeros)")
        #expect(forestFilled >= 0.85, "k-d forest on a ±1e-5 memory: \(forestFilled)")
        // The limitation, measured: 0.795 against 0.945 (200 trials). Fails when the forest is fixed.
        #expect(forestZeros < forestFilled - 0.05, "k-d forest on a zero memory \(forestZeros), on ±1e-5 \(forestFilled)")
    }
}
