import NearestNeighbours
import SAMNumerics
import Testing

/// Recall@4 of the k-d forest on N = 2^14 random unit vectors (W = 32), queries random unit vectors.
///
/// Both k-d forests: FLANN's (`kdtree`) and the compact one (`kdtree-compact`). Measured with FLANN's (debug build,
/// seed 2024, 1000 queries, the index re-ranking FLANN's 2K = 8 candidates):
///   4 trees,   32 checks (paper's defaults): recall@4 = 0.135
///   4 trees, 3072 checks: 0.957;   4 trees, 4096 checks: 0.9755
///   (LSH, for comparison: L = 8, k = 12 (defaults): 0.115;  L = 32, k = 8: 0.854)
/// Random unit vectors in 32 dimensions are the hardest case for any approximate index: the
/// nearest neighbours are barely nearer than a typical row, and 32 checks look at 0.2% of the rows.
/// So the "at least 0.9" cannot hold at the default 32 checks on this data; the floor for
/// the defaults is the measured value with margin, and the 0.9 floor is asserted at 4096 checks.
/// FLANN alone agrees: `make flann-recall` (scripts/flann-recall.c, FLANN's C API, no Swift) measured
/// 0.118 at 32 checks and 0.913 at 2048 on the same kind of data, and FLANN's autotuner, asked for
/// precision 0.9, chose a k-means tree with 608 checks, 1.93x faster than a linear scan.
@Suite struct RecallTests {
    /// Mean recall@4 of `kind` over `queries` random unit queries, against the exact index.
    static func measure(kind: IndexKind, settings: IndexSettings, rows: Int, queries: Int) throws -> Double {
        try measure(kinds: [kind], settings: settings, rows: rows, queries: queries)[0]
    }

    /// The mean recall@4 of each of `kinds` on the same memory and queries; the exact answer is
    /// computed once per query (in a debug build it costs more than the approximate searches).
    static func measure(kinds: [IndexKind], settings: IndexSettings, rows: Int, queries: Int) throws -> [Double] {
        var g = SeededGenerator(seed: 2024)
        let memory: MemoryMatrix<Float> = Support.unitMemory(rows: rows, width: 32, &g)
        let exact = ExactIndex<Float>(epsilon: 1e-6)
        let indexes = try kinds.map { try makeIndex(kind: $0, settings: settings, epsilon: Float(1e-6), k: 4) }
        exact.build(from: memory)
        for index in indexes { index.build(from: memory) }
        var totals = [Double](repeating: 0, count: kinds.count)
        var q = [Float](repeating: 0, count: 32)
        for _ in 0..<queries {
            q.withUnsafeMutableBufferPointer { Support.writeUnitVector($0.baseAddress!, width: 32, &g) }
            let truth = Support.query(exact, q, k: 4, memory)
            for i in indexes.indices { totals[i] += Support.recall(Support.query(indexes[i], q, k: 4, memory), truth) }
        }
        return totals.map { $0 / Double(queries) }
    }

    /// Both forests (FLANN's and the compact one) on the same memory and queries.
    static let forests: [IndexKind] = [.kdtree, .kdtreeCompact]

    @Test func kdForestRecallAtDefaultSettings() throws {
        let recalls = try Self.measure(kinds: Self.forests, settings: IndexSettings(), rows: 1 << 14, queries: 600)
        for (kind, recall) in zip(Self.forests, recalls) {
            // Measured 0.135; floor with margin.
            #expect(recall > 0.10, "\(kind.rawValue): recall@4 = \(recall)")
        }
    }

    @Test func kdForestRecallAtLeastNinetyPercentWithMoreChecks() throws {
        let recalls = try Self.measure(kinds: Self.forests, settings: IndexSettings(checks: 4096), rows: 1 << 14,
                                       queries: 300)
        for (kind, recall) in zip(Self.forests, recalls) {
            // Measured 0.9755 (1000 queries); the floor.
            #expect(recall >= 0.9, "\(kind.rawValue): recall@4 = \(recall)")
        }
    }

    @Test func lshRecallWithManyTables() throws {
        let recall = try Self.measure(kind: .lsh, settings: IndexSettings(lshTables: 32, lshBits: 8),
                                      rows: 1 << 14, queries: 200)
        // Measured 0.854 (1000 queries).
        #expect(recall > 0.75, "recall@4 = \(recall)")
    }
}
