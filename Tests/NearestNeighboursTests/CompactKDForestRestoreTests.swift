import NearestNeighbours
import SAMNumerics
import Testing

/// `CompactKDForestIndex.restore` (an episode's reset) puts each row back from its home node; it must
/// leave the forest exactly as `update` would. Two forests over one memory, one told by `restore` and
/// one by `update`, then answer every query alike at 2 and 4 checks (where the answer depends on
/// which bucket holds each row), over episodes of writes and resets that pass the rebuild after N
/// insertions, from a random M_0 and from M_0 = 0 (every point equal: ties at every split).
@Suite struct CompactKDForestRestoreTests {
    static let eps = Float(1e-6)

    @Test(arguments: [(64, false), (300, false), (300, true), (1 << 12, false)])
    func restoreLeavesTheForestAsUpdateDoes(rows n: Int, zeroMemory: Bool) {
        for checks in [2, 4] {
            var g = SeededGenerator(seed: UInt64(n) &* 31 &+ UInt64(checks))
            let w = 8
            let memory = MemoryMatrix<Float>(rows: n, width: w)
            if !zeroMemory { for i in 0..<n { Support.writeUnitVector(memory.row(i), width: w, &g) } }
            let initial = memory.snapshot()
            let restoring = CompactKDForestIndex<Float>(settings: IndexSettings(checks: checks), epsilon: Self.eps)
            let updating = CompactKDForestIndex<Float>(settings: IndexSettings(checks: checks), epsilon: Self.eps)
            restoring.build(from: memory)
            updating.build(from: memory)
            var different = 0, compared = 0
            func compare() {
                for _ in 0..<8 {
                    let q: [Float] = (0..<w).map { _ in g.normal() }
                    compared += 1
                    if Support.query(restoring, q, k: 4, memory) != Support.query(updating, q, k: 4, memory) { different += 1 }
                }
            }
            for _ in 0..<40 {
                var written = Set<Int>()
                for _ in 0..<4 {   // steps: a few rows written, some of them again
                    let rows = Array(Set((0..<6).map { _ in Int(g.next() % UInt64(n)) }))
                    for i in rows { Support.writeUnitVector(memory.row(i), width: w, &g) }
                    restoring.update(rows: rows, in: memory)
                    updating.update(rows: rows, in: memory)
                    written.formUnion(rows)
                    compare()
                }
                let rows = written.sorted()   // the reset: M_0 back into the written rows
                for i in rows { memory.row(i).update(from: initial, offset: i * w, count: w) }
                restoring.restore(rows: rows, in: memory)
                updating.update(rows: rows, in: memory)
                compare()
            }
            #expect(different == 0, "N \(n) zero M_0 \(zeroMemory) checks \(checks): \(different) of \(compared) answers differ")
            #expect(restoring.counters == updating.counters)
            #expect(restoring.counters.rebuilds >= 2 || n > 1000, "N \(n): the N-insertion rebuild was not reached")
        }
    }
}

private extension UnsafeMutablePointer where Pointee == Float {
    func update(from values: [Float], offset: Int, count: Int) {
        values.withUnsafeBufferPointer { update(from: $0.baseAddress! + offset, count: count) }
    }
}
