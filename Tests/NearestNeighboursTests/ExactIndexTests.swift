import NearestNeighbours
import PropertyBased
import PropertySupport
import SAMNumerics
import Testing

/// The exact index against a brute-force oracle that sorts all similarities (ties to the lower row).
@Suite struct ExactIndexTests {
    /// Memory with small-integer entries, so every dot product is exact in any summation order and
    /// duplicated rows tie exactly; some rows are duplicates, some zero.
    static func tiedMemory<S: ModelScalar>(rows: Int, width: Int, _ g: inout SeededGenerator) -> MemoryMatrix<S> {
        let m = MemoryMatrix<S>(rows: rows, width: width)
        for i in 0..<rows {
            switch Int.random(in: 0..<6, using: &g) {
            case 0 where i > 0:  // duplicate of an earlier row
                let source = Int.random(in: 0..<i, using: &g)
                for j in 0..<width { m.row(i)[j] = m.row(source)[j] }
            case 1:  // zero row
                break
            default:
                for j in 0..<width { m.row(i)[j] = S(Int.random(in: -3...3, using: &g)) }
            }
        }
        return m
    }

    func check<S: ModelScalar>(_: S.Type, seed: Int, rows: Int, k: Int) {
        var g = SeededGenerator(seed: UInt64(seed))
        let width = 6
        let memory: MemoryMatrix<S> = Self.tiedMemory(rows: rows, width: width, &g)
        let index = ExactIndex<S>(epsilon: 1e-6)
        index.build(from: memory)
        for trial in 0..<8 {
            // Queries: integer vectors, sometimes a copy of a row (then its duplicates tie with it).
            var q = (0..<width).map { _ in S(Int.random(in: -3...3, using: &g)) }
            if trial % 3 == 0 { let r = Int.random(in: 0..<rows, using: &g); q = (0..<width).map { memory.row(r)[$0] } }
            let oracle = Support.ranking(q, memory, epsilon: 1e-6)
            let found = Support.query(index, q, k: k, memory)
            #expect(found == Array(oracle.rows.prefix(k)), "seed \(seed) N \(rows) k \(k)")
        }
    }

    @Test func agreesWithOracleIncludingTies() async {
        await SeededProperty.forAll(count: 60, input: Gen.int(in: 0...1_000_000), Gen.int(in: 1...80), Gen.int(in: 1...12)) {
            seed, rows, k in
            check(Double.self, seed: seed, rows: rows, k: k)
            check(Float.self, seed: seed, rows: rows, k: k)
        }
    }
}
