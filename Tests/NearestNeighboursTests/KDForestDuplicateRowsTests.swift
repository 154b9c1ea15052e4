import NearestNeighbours
import SAMNumerics
import Testing

/// The k-d forest built over identical rows (SAM's M_0 = 0: every point is [0…0; 1]) and then given
/// the written rows by `update`, as in training: how often a query near a written row gets it back.
/// N = 128, W = 16, 8 written rows uniform in ±1, query = the target row plus uniform ±1 noise.
///
/// Before the forest kept zero rows out of FLANN (`ZeroRows`), a forest built on a zero memory found
/// the target in 0.795 of 200 trials against the exact index's 1.0 (its checks went to copies of the
/// zero point); the compact forest, which keeps them, still measures so (`compactZeroMemory`).
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

    @Test func aForestBuiltOnAZeroMemoryFindsWrittenRows() throws {
        let exactZeros = try Self.hitRate(.exact, scale: 0, trials: 100)
        let forestZeros = try Self.hitRate(.kdtree, scale: 0, trials: 100)
        #expect(exactZeros >= 0.95, "exact: \(exactZeros)")
        #expect(forestZeros >= exactZeros - 0.02, "k-d forest on a zero memory \(forestZeros), exact \(exactZeros)")
    }

    /// The limitation the compact forest still has (it keeps the zero rows in its buckets): measured, 0.8 or so.
    @Test func compactZeroMemory() throws {
        let exactZeros = try Self.hitRate(.exact, scale: 0, trials: 100)
        let compactZeros = try Self.hitRate(.kdtreeCompact, scale: 0, trials: 100)
        #expect(compactZeros < exactZeros - 0.05, "compact forest on a zero memory \(compactZeros), exact \(exactZeros); fixed? then assert it finds them")
    }

    /// SAM's episode on a zero memory, as the index sees it: rows written (update), some written
    /// again, then all restored to zero (update, as `reset` does), over several episodes. With fewer
    /// non-zero rows than checks, the forest's answer is the exact index's, zero-row ties included
    /// (the lowest zero rows), in nearly every query.
    @Test func withFewWrittenRowsTheForestAnswersAsTheExactIndex() throws {
        var g = SeededGenerator(seed: 11)
        let n = 128, w = 16, k = 4
        let memory = MemoryMatrix<Float>(rows: n, width: w)
        let forest = try makeIndex(kind: .kdtree, settings: IndexSettings(), epsilon: Float(1e-6), k: k)
        let exact = try makeIndex(kind: .exact, settings: IndexSettings(), epsilon: Float(1e-6), k: k)
        forest.build(from: memory)
        exact.build(from: memory)
        var queries = 0, same = 0
        var q = [Float](repeating: 0, count: w), a: [Int] = [], b: [Int] = []
        for _ in 0..<20 {
            var written: [Int] = []
            for _ in 0..<6 {
                let rows = Array((0..<n).shuffled(using: &g).prefix(k + 1))
                for i in rows { for d in 0..<w { memory.row(i)[d] = Float.random(in: -1...1, using: &g) } }
                forest.update(rows: rows, in: memory)
                exact.update(rows: rows, in: memory)
                written += rows.filter { !written.contains($0) }
                for _ in 0..<4 {
                    for d in 0..<w { q[d] = Float.random(in: -1...1, using: &g) }
                    q.withUnsafeBufferPointer {
                        forest.query($0.baseAddress!, k: k, in: memory, into: &a)
                        exact.query($0.baseAddress!, k: k, in: memory, into: &b)
                    }
                    queries += 1
                    if a == b { same += 1 }
                }
            }
            for i in written { for d in 0..<w { memory.row(i)[d] = 0 } }   // the reset
            forest.update(rows: written, in: memory)
            exact.update(rows: written, in: memory)
        }
        #expect(Double(same) >= 0.95 * Double(queries), "\(same) of \(queries) answers equal to the exact index's")
    }
}
