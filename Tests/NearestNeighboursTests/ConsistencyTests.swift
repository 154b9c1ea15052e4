import NearestNeighbours
import PropertyBased
import PropertySupport
import SAMNumerics
import Testing

/// Random interleavings of writes (with `update`) and queries, checking every index against the
/// current memory contents after every step.
@Suite struct ConsistencyTests {
    /// An index under test, and whether it must return exactly the exact index's result.
    struct Subject<S: ModelScalar> {
        let name: String
        let index: any NearestNeighbourIndex<S>
        let exhaustive: Bool
        /// A copy of the query written into memory must be found (exact search, or LSH whose
        /// buckets for the copy are the query's own).
        let findsCopies: Bool
    }

    static func subjects<S: ModelScalar>(_: S.Type) -> [Subject<S>] {
        let eps = S(1e-6)
        return [
            Subject(name: "kdtree default", index: KDForestIndex(settings: IndexSettings(), epsilon: eps),
                    exhaustive: false, findsCopies: false),
            Subject(name: "kdtree 2 trees 6 checks",
                    index: KDForestIndex(settings: IndexSettings(trees: 2, checks: 6), epsilon: eps),
                    exhaustive: false, findsCopies: false),
            Subject(name: "kdtree 1 tree 16 checks",
                    index: KDForestIndex(settings: IndexSettings(trees: 1, checks: 16), epsilon: eps),
                    exhaustive: false, findsCopies: false),
            Subject(name: "kdtree 4 trees exhaustive",
                    index: KDForestIndex(settings: IndexSettings(checks: 1 << 20), epsilon: eps),
                    exhaustive: true, findsCopies: true),
            Subject(name: "kdtree-compact default", index: CompactKDForestIndex(settings: IndexSettings(), epsilon: eps),
                    exhaustive: false, findsCopies: false),
            Subject(name: "kdtree-compact 2 trees 6 checks",
                    index: CompactKDForestIndex(settings: IndexSettings(trees: 2, checks: 6), epsilon: eps),
                    exhaustive: false, findsCopies: false),
            Subject(name: "kdtree-compact exhaustive",
                    index: CompactKDForestIndex(settings: IndexSettings(checks: 1 << 20), epsilon: eps),
                    exhaustive: true, findsCopies: true),
            Subject(name: "lsh default", index: LSHIndex(settings: IndexSettings(), epsilon: eps),
                    exhaustive: false, findsCopies: true),
            Subject(name: "lsh 2x3 bits", index: LSHIndex(settings: IndexSettings(lshTables: 2, lshBits: 3), epsilon: eps),
                    exhaustive: false, findsCopies: true),
            Subject(name: "lsh 3x64 bits", index: LSHIndex(settings: IndexSettings(lshTables: 3, lshBits: 64), epsilon: eps),
                    exhaustive: false, findsCopies: true),
            Subject(name: "hnsw default", index: HNSWIndex(settings: IndexSettings(), epsilon: eps),
                    exhaustive: false, findsCopies: true),
            Subject(name: "hnsw M 2 ef 1",
                    index: HNSWIndex(settings: IndexSettings(hnswLinks: 2, hnswConstructionEf: 2, hnswSearchEf: 1), epsilon: eps),
                    exhaustive: false, findsCopies: false),
            Subject(name: "hnsw M 4, neighbours relinked",
                    index: HNSWIndex(settings: IndexSettings(hnswLinks: 4, hnswConstructionEf: 8, hnswSearchEf: 8),
                                     epsilon: eps, neighbourUpdateProbability: 1),
                    exhaustive: false, findsCopies: false),
        ]
    }

    /// Runs `steps` random steps on an N x 8 memory; `ties` adds duplicate and zero rows.
    /// `tolerance` is how close two similarities must be to count as a tie when checking order
    /// (0 for Double, whose exact results are compared bit for bit).
    func run<S: ModelScalar>(_: S.Type, seed: Int, rows n: Int, steps: Int, ties: Bool, tolerance: S) {
        var g = SeededGenerator(seed: UInt64(seed))
        let w = 8, k = 4, eps = S(1e-6)
        let memory: MemoryMatrix<S> = Support.uniformMemory(rows: n, width: w, &g)
        let exact = ExactIndex<S>(epsilon: eps)
        let subjects = Self.subjects(S.self)
        exact.build(from: memory)
        for s in subjects { s.index.build(from: memory) }
        let context = "seed \(seed) N \(n) ties \(ties) \(S.self)"

        func update(_ rows: [Int]) {
            exact.update(rows: rows, in: memory)
            for s in subjects { s.index.update(rows: rows, in: memory) }
        }
        func check(_ q: [S], copy: Int? = nil, antiCopy: Int? = nil) {
            let oracle = Support.ranking(q, memory, epsilon: eps)
            let similarity = Support.similarities(q, memory, epsilon: eps)
            let expected = Support.query(exact, q, k: k, memory)
            if tolerance == 0 { #expect(expected == Array(oracle.rows.prefix(k)), "exact, \(context)") }
            for s in subjects {
                let found = Support.query(s.index, q, k: k, memory)
                #expect(found.count == min(k, n) && Set(found).count == found.count, "\(s.name), \(context)")
                #expect(found.allSatisfy { (0..<n).contains($0) }, "\(s.name), \(context)")
                // Best first on the *current* contents, ties to the lower row: no stale judgement.
                for (a, b) in zip(found, found.dropFirst()) {
                    let (sa, sb) = (similarity[a], similarity[b])
                    let ordered = abs(sa - sb) <= tolerance ? (tolerance > 0 || a < b) : sa > sb
                    #expect(ordered, "\(s.name): rows \(a) (\(sa)) before \(b) (\(sb)), \(context)")
                }
                if s.exhaustive { #expect(found == expected, "\(s.name), \(context)") }
                if let copy, s.findsCopies { #expect(found.contains(copy), "\(s.name) misses copy, \(context)") }
                if let antiCopy, n > k { #expect(!found.contains(antiCopy), "\(s.name) stale row, \(context)") }
            }
        }

        for _ in 0..<steps {
            let q = (0..<w).map { _ in g.uniform(S(1)) }
            switch Int.random(in: 0..<4, using: &g) {
            case 0, 1:  // a write touching up to 20 distinct rows
                let touched = Array((0..<n).shuffled(using: &g).prefix(Int.random(in: 1...min(n, 20), using: &g)))
                for i in touched {
                    let kind = ties ? Int.random(in: 0..<5, using: &g) : 0
                    let source = Int.random(in: 0..<n, using: &g)
                    for j in 0..<w {
                        memory.row(i)[j] = kind == 1 ? memory.row(source)[j] : kind == 2 ? 0 : g.uniform(S(1))
                    }
                }
                update(touched)
            case 2:
                check(q)
            default:  // row c := q and row a := -q, then query q
                let c = Int.random(in: 0..<n, using: &g)
                let a = n > 1 ? (c + Int.random(in: 1..<n, using: &g)) % n : c
                for j in 0..<w { memory.row(a)[j] = -q[j]; memory.row(c)[j] = q[j] }
                update(a == c ? [c] : [a, c])
                check(q, copy: c, antiCopy: a == c ? nil : a)
            }
        }
    }

    @Test func doubleInterleavingsWithoutTies() async {
        await SeededProperty.forAll(count: 25, input: Gen.int(in: 0...1_000_000), Gen.int(in: 1...150)) { seed, n in
            run(Double.self, seed: seed, rows: n, steps: 40, ties: false, tolerance: 0)
        }
    }

    @Test func doubleInterleavingsWithTies() async {
        await SeededProperty.forAll(count: 25, input: Gen.int(in: 0...1_000_000), Gen.int(in: 1...150)) { seed, n in
            run(Double.self, seed: seed, rows: n, steps: 40, ties: true, tolerance: 0)
        }
    }

    @Test func floatInterleavings() async {
        await SeededProperty.forAll(count: 15, input: Gen.int(in: 0...1_000_000), Gen.int(in: 1...150)) { seed, n in
            run(Float.self, seed: seed, rows: n, steps: 40, ties: true, tolerance: 1e-5)
        }
    }

    /// Many steps on one memory, so the k-d forest passes several of its N-insertion rebuilds.
    @Test func longRunThroughRebuilds() {
        run(Double.self, seed: 77, rows: 40, steps: 300, ties: true, tolerance: 0)
    }
}
