import Foundation
import NearestNeighbours
import SAMNumerics
import Testing

/// The HNSW index (hnswlib through CHNSW): recall against the exact index, in-place replacement,
/// order and ties, and its settings.
@Suite struct HNSWTests {
    static let eps = Float(1e-6)

    func index(_ settings: IndexSettings = IndexSettings()) throws -> any NearestNeighbourIndex<Float> {
        try makeIndex(kind: .hnsw, settings: settings, epsilon: Self.eps, k: 4)
    }

    /// Recall@4 on N = 3000 random unit vectors (W = 32) over 300 random unit queries, seed 2024.
    func recall(_ settings: IndexSettings) throws -> Double {
        var g = SeededGenerator(seed: 2024)
        let memory: MemoryMatrix<Float> = Support.unitMemory(rows: 3000, width: 32, &g)
        let exact = ExactIndex<Float>(epsilon: Self.eps), hnsw = try index(settings)
        exact.build(from: memory)
        hnsw.build(from: memory)
        var total = 0.0, q = [Float](repeating: 0, count: 32)
        for _ in 0..<300 {
            q.withUnsafeMutableBufferPointer { Support.writeUnitVector($0.baseAddress!, width: 32, &g) }
            total += Support.recall(Support.query(hnsw, q, k: 4, memory), Support.query(exact, q, k: 4, memory))
        }
        return total / 300
    }

    @Test func recallAgainstTheExactIndexGrowsWithEf() throws {
        let low = try recall(IndexSettings(hnswLinks: 8, hnswConstructionEf: 32, hnswSearchEf: 1))
        let high = try recall(IndexSettings(hnswLinks: 16, hnswConstructionEf: 64, hnswSearchEf: 128))
        // 32 dimensions of random unit vectors are the hard case; a wide search still finds nearly all.
        #expect(high >= 0.9, "recall@4 at M 16, ef 128 = \(high)")
        #expect(high > low, "recall@4: ef 1 \(low), ef 128 \(high)")
    }

    /// A replaced row is found at its new place and no longer at its old one.
    @Test(arguments: [Float(0), 1]) func replacedRowMovesInPlace(probability: Float) {
        var g = SeededGenerator(seed: 7)
        let n = 2000, w = 16
        let memory: MemoryMatrix<Float> = Support.unitMemory(rows: n, width: w, &g)
        let hnsw = HNSWIndex<Float>(settings: IndexSettings(), epsilon: Self.eps, neighbourUpdateProbability: probability)
        hnsw.build(from: memory)
        for trial in 0..<40 {
            let row = Int.random(in: 0..<n, using: &g)
            let old = Array(UnsafeBufferPointer(start: memory.row(row), count: w))
            #expect(Support.query(hnsw, old, k: 4, memory).first == row, "trial \(trial): row \(row) before the write")
            var new = [Float](repeating: 0, count: w)
            new.withUnsafeMutableBufferPointer { Support.writeUnitVector($0.baseAddress!, width: w, &g) }
            for j in 0..<w { memory.row(row)[j] = new[j] }
            hnsw.update(rows: [row], in: memory)
            #expect(Support.query(hnsw, new, k: 4, memory).first == row, "trial \(trial): row \(row) at its new place")
            #expect(!Support.query(hnsw, old, k: 4, memory).contains(row), "trial \(trial): row \(row) at its old place")
        }
        #expect(hnsw.counters.rebuilds == 1 && hnsw.counters.rowsUpdated == 40)
    }

    /// Results are best first by SPEC's cosine on the current rows; equal rows rank by row index.
    @Test func orderedWithTiesToTheLowerRow() throws {
        var g = SeededGenerator(seed: 3)
        let n = 1500, w = 8
        let memory: MemoryMatrix<Double> = Support.uniformMemory(rows: n, width: w, &g)
        let hnsw = try makeIndex(kind: .hnsw, settings: IndexSettings(), epsilon: Double(1e-6), k: 4)
        let copies = [900, 17, 433]
        let v = (0..<w).map { _ in g.uniform(Double(1)) }
        for i in copies { for j in 0..<w { memory.row(i)[j] = v[j] } }
        hnsw.build(from: memory)
        #expect(Array(Support.query(hnsw, v, k: 4, memory).prefix(3)) == copies.sorted())
        for _ in 0..<50 {
            let q = (0..<w).map { _ in g.uniform(Double(1)) }
            let found = Support.query(hnsw, q, k: 4, memory)
            let s = Support.similarities(q, memory, epsilon: 1e-6)
            #expect(found.count == 4 && Set(found).count == 4)
            for (a, b) in zip(found, found.dropFirst()) { #expect(s[a] > s[b] || (s[a] == s[b] && a < b)) }
        }
    }

    /// Fewer rows than K: every row, best first (hnswlib returns them all, or the scan does).
    @Test func tinyMemoryReturnsEveryRow() throws {
        var g = SeededGenerator(seed: 5)
        let memory: MemoryMatrix<Float> = Support.uniformMemory(rows: 3, width: 4, &g)
        let hnsw = try index(), exact = ExactIndex<Float>(epsilon: Self.eps)
        hnsw.build(from: memory)
        exact.build(from: memory)
        let q: [Float] = [0.3, -0.2, 0.9, 0.1]
        #expect(Support.query(hnsw, q, k: 4, memory) == Support.query(exact, q, k: 4, memory))
    }

    @Test func badSettingsNameTheField() {
        func field(_ s: IndexSettings) -> String? {
            do { _ = try makeIndex(kind: .hnsw, settings: s, epsilon: Float(1e-6), k: 4); return nil } catch {
                guard case let .outOfRange(field, _, _) = error else { return nil }
                return field
            }
        }
        #expect(field(IndexSettings(hnswLinks: 1)) == "hnswLinks")
        #expect(field(IndexSettings(hnswLinks: 257)) == "hnswLinks")
        #expect(field(IndexSettings(hnswLinks: 16, hnswConstructionEf: 15)) == "hnswConstructionEf")
        #expect(field(IndexSettings(hnswSearchEf: 0)) == "hnswSearchEf")
        #expect(field(IndexSettings(hnswLinks: 2, hnswConstructionEf: 2, hnswSearchEf: 1)) == nil)
    }

    /// Settings written before HNSW existed (no hnsw keys) still decode, with the defaults.
    @Test func settingsWithoutHNSWFieldsDecode() throws {
        let old = #"{"trees": 2, "checks": 64, "lshTables": 4, "lshBits": 10, "seed": 9}"#
        let s = try JSONDecoder().decode(IndexSettings.self, from: Data(old.utf8))
        #expect(s == IndexSettings(trees: 2, checks: 64, lshTables: 4, lshBits: 10, seed: 9))
        let round = try JSONDecoder().decode(IndexSettings.self, from: JSONEncoder().encode(IndexSettings(hnswSearchEf: 7)))
        #expect(round.hnswSearchEf == 7)
    }
}
