import CAllocationCounter
import NearestNeighbours
import SAMNumerics
import Testing

/// The compact k-d forest against the exact index and against FLANN's forest at equal checks.
@Suite struct CompactKDForestTests {
    static let eps = Float(1e-6)

    /// N random unit rows (W = 32) and a built compact forest with the given checks.
    func forest(rows: Int, checks: Int, seed: UInt64 = 2024) -> (MemoryMatrix<Float>, CompactKDForestIndex<Float>, SeededGenerator) {
        var g = SeededGenerator(seed: seed)
        let memory: MemoryMatrix<Float> = Support.unitMemory(rows: rows, width: 32, &g)
        let index = CompactKDForestIndex<Float>(settings: IndexSettings(checks: checks), epsilon: Self.eps)
        index.build(from: memory)
        return (memory, index, g)
    }

    /// With checks ≥ N the tree search itself visits every bucket: its answer is the exact index's,
    /// before and after many sparse writes (so every row must still sit in a bucket of every tree).
    @Test func exhaustiveSearchIsExactThroughUpdates() {
        for n in [1, 5, 40, 300] {
            var (memory, index, g) = forest(rows: n, checks: 300)
            let exact = ExactIndex<Float>(epsilon: Self.eps)
            exact.build(from: memory)
            for step in 0..<60 {
                let q: [Float] = (0..<32).map { _ in g.normal() }
                #expect(Support.query(index, q, k: 4, memory) == Support.query(exact, q, k: 4, memory), "N \(n) step \(step)")
                let rows = Array((0..<n).shuffled(using: &g).prefix(min(n, 20)))
                for i in rows { Support.writeUnitVector(memory.row(i), width: 32, &g) }
                index.update(rows: rows, in: memory)
                exact.update(rows: rows, in: memory)
            }
            #expect(index.counters.rebuilds >= 2, "N \(n): the N-insertion rebuild was not reached")
        }
    }

    /// A row rewritten to a fresh random query q is found first (its new place); rewritten again to −q
    /// while another row takes q, it is never returned (its old place), at the default 32 checks, N = 2^12.
    @Test func rewrittenRowsAreFoundAtTheirNewPlaceOnly() {
        var (memory, index, g) = forest(rows: 1 << 12, checks: 32)
        for _ in 0..<300 {
            let moved = Int.random(in: 0..<memory.rows, using: &g)
            var q = [Float](repeating: 0, count: 32)
            q.withUnsafeMutableBufferPointer { Support.writeUnitVector($0.baseAddress!, width: 32, &g) }
            for j in 0..<32 { memory.row(moved)[j] = q[j] }
            index.update(rows: [moved], in: memory)
            #expect(Support.query(index, q, k: 4, memory).first == moved)
            let copy = (moved + 1 + Int.random(in: 0..<(memory.rows - 1), using: &g)) % memory.rows
            for j in 0..<32 { memory.row(copy)[j] = q[j]; memory.row(moved)[j] = -q[j] }
            index.update(rows: [moved, copy], in: memory)
            let found = Support.query(index, q, k: 4, memory)
            #expect(found.first == copy && !found.contains(moved), "moved \(moved) copy \(copy) found \(found)")
        }
    }

    /// Recall@4 of each index over `queries` random unit queries (seeded) on `memory`, against the
    /// exact index, whose answer is computed once per query.
    func recalls(_ indexes: [any NearestNeighbourIndex<Float>], _ memory: MemoryMatrix<Float>, queries: Int) -> [[Double]] {
        var g = SeededGenerator(seed: 9)
        let exact = ExactIndex<Float>(epsilon: Self.eps)
        exact.build(from: memory)
        var result = [[Double]](repeating: [], count: indexes.count)
        for _ in 0..<queries {
            var q = [Float](repeating: 0, count: 32)
            q.withUnsafeMutableBufferPointer { Support.writeUnitVector($0.baseAddress!, width: 32, &g) }
            let truth = Support.query(exact, q, k: 4, memory)
            for i in indexes.indices { result[i].append(Support.recall(Support.query(indexes[i], q, k: 4, memory), truth)) }
        }
        return result
    }

    /// At equal checks on the same seeded N = 2^14 memory and the same queries, recall@4 is not below
    /// FLANN's beyond noise: the mean paired difference is above −2 standard errors of itself.
    @Test(arguments: [32, 256])
    func recallNotBelowFLANNAtEqualChecks(checks: Int) {
        let (memory, compact, _) = forest(rows: 1 << 14, checks: checks)
        let flann = KDForestIndex<Float>(settings: IndexSettings(checks: checks), epsilon: Self.eps)
        flann.build(from: memory)
        let both = recalls([compact, flann], memory, queries: 400), ours = both[0], theirs = both[1]
        let d = zip(ours, theirs).map { $0 - $1 }, m = d.reduce(0, +) / Double(d.count)
        let se = (d.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(d.count - 1) / Double(d.count)).squareRoot()
        #expect(m >= -2 * se, "checks \(checks): compact \(ours.reduce(0, +) / 400), FLANN \(theirs.reduce(0, +) / 400), difference \(m) ± \(se)")
        // Exactly `checks` rows are scored per query (the search stops there; N > checks).
        #expect(compact.counters.distanceEvaluations == compact.counters.queries * checks)
    }

    /// No heap allocation per query or per update once warm (this thread's own count).
    @Test func queriesAndUpdatesAllocateNothing() {
        var (memory, index, g) = forest(rows: 1 << 12, checks: 32)
        var queries = [Float](repeating: 0, count: 4 * 32), results: [[Int]] = []
        var rows = [Int](repeating: 0, count: 20)
        func step() {
            queries.withUnsafeMutableBufferPointer { q in
                for j in 0..<4 { Support.writeUnitVector(q.baseAddress! + 32 * j, width: 32, &g) }
                index.query(batch: q.baseAddress!, count: 4, k: 4, in: memory, into: &results)
            }
            for r in 0..<20 { rows[r] = (r * 197 + Int(g.next() % 180)) % memory.rows }
            // Index loops: a debug build's `for x in array` allocates (it would count here).
            for r in 0..<20 { Support.writeUnitVector(memory.row(rows[r]), width: 32, &g) }
            index.update(rows: rows, in: memory)
        }
        for _ in 0..<20 { step() }   // warm: result arrays, runtime caches
        allocation_counter_start_thread()
        for _ in 0..<100 { step() }
        let allocations = allocation_counter_stop_thread()
        #expect(allocations == 0, "\(allocations) allocations in 100 steps")
        // The counter works: one array is one allocation.
        allocation_counter_start_thread()
        let made = [Int](repeating: 1, count: 100 + Int(g.next() % 2))
        let counted = allocation_counter_stop_thread()
        #expect(counted >= 1 && made.count >= 100)
    }
}

extension CompactKDForestTests {
    /// The index's bytes per row at N = 2^14 with one-row buckets: at most 2.5N nodes of 12 B, 1.25N
    /// buckets of 2 slots and a count, a bucket number and a home node per row, per tree (≤ 53 B), plus norms, stamps
    /// and the build order (12 B), and a small heap: well under FLANN's (its nodes alone are ~64 B per row per tree).
    @Test func bytesPerRowAreWithinTheLayout() {
        let (_, index, _) = forest(rows: 1 << 14, checks: 32)
        let perRow = Double(index.byteSize) / Double(1 << 14)
        #expect(perRow <= 4 * 53 + 12 + 4, "\(perRow) bytes per row; \(index.memoryAccount)")
    }
}
