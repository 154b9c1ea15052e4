import CAllocationCounter
import NearestNeighbours
import SAMNumerics
import Testing

/// LSH allocates nothing in steady state: a cycle of writes and queries that leaves the memory as it
/// found it (SAM's episode, then its reset re-indexing the restored rows), repeated, makes no heap
/// allocation once warm (this thread's own count). A bucket is a list threaded through its rows' own
/// slots, so moving rows between buckets never grows or reuses an array.
@Suite struct LSHAllocationTests {
    static let rows = 1024, width = 32, written = 20, steps = 16

    @Test func repeatedWriteCyclesAllocateNothing() {
        var g = SeededGenerator(seed: 77)
        let memory: MemoryMatrix<Float> = Support.unitMemory(rows: Self.rows, width: Self.width, &g)
        let index = LSHIndex<Float>(settings: IndexSettings(), epsilon: 1e-6)
        index.build(from: memory)
        let saved = UnsafeMutablePointer<Float>.allocate(capacity: Self.rows * Self.width)
        defer { saved.deallocate() }
        saved.update(from: memory.row(0), count: Self.rows * Self.width)
        var rows = [Int](repeating: 0, count: Self.written), all = [Int](repeating: 0, count: Self.rows)
        for i in 0..<Self.rows { all[i] = i }
        var result: [Int] = [], found = 0
        // One episode of `steps` writes and queries, the same each time, then the reset.
        func cycle() {
            var e = SeededGenerator(seed: 5)
            for _ in 0..<Self.steps {
                for r in 0..<Self.written { rows[r] = (r * 51 + Int(e.next() % 50)) % Self.rows }
                // Index loops: a debug build's `for x in array` allocates (it would count here).
                for r in 0..<Self.written { Support.writeUnitVector(memory.row(rows[r]), width: Self.width, &e) }
                index.update(rows: rows, in: memory)
                for _ in 0..<4 {
                    index.query(memory.row(Int(e.next() % UInt64(Self.rows))), k: 4, in: memory, into: &result)
                    found += result.count
                }
            }
            memory.row(0).update(from: saved, count: Self.rows * Self.width)
            index.update(rows: all, in: memory)
        }
        for _ in 0..<2 { cycle() }   // warm: result arrays, dictionaries, runtime caches
        allocation_counter_start_thread()
        for _ in 0..<3 { cycle() }
        let allocations = allocation_counter_stop_thread()
        #expect(allocations == 0, "\(allocations) allocations in 3 cycles of \(Self.steps) steps")
        #expect(found == 5 * Self.steps * 4 * 4)
    }
}
