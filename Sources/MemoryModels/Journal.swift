import SAMNumerics

/// SAM's journal of in-place memory writes (SPEC "Backward pass and memory: journaled rollback").
///
/// For each step it holds the rows the write touched (at most R*(K+1)) and one saved copy of
/// each row (W scalars). Right after the forward step the copy is the row's old contents
/// (M_{t-1}); `exchange(step:)` swaps copy and memory, so one call rolls the rows back to
/// M_{t-1} and leaves M_t in the journal, and a second call re-applies M_t. Swapping moves bits
/// and never does arithmetic, so rollback and re-application are exact (Proofs/journal.md).
/// Space per step: O(R*K*W); the journal never holds a whole memory.
@usableFromInline
final class Journal<Scalar: ModelScalar> {
    private let width: Int
    private let rows = GrowableBuffer<Int32>()
    private let saved = GrowableBuffer<Scalar>()
    /// `stepStart[t]` is the offset of step t's first row; `stepStart.count == steps + 1`.
    private var stepStart: [Int] = [0]

    init(width: Int) { self.width = width }

    var steps: Int { stepStart.count - 1 }

    /// Starts a new step's entry.
    func beginStep() { stepStart.append(stepStart[stepStart.count - 1]) }

    /// Saves the current contents of `row` of `memory` into the current step's entry.
    func save(row: Int, of memory: MemoryMatrix<Scalar>) {
        rows.append(1).pointee = Int32(row)
        saved.append(width).update(from: memory.row(row), count: width)
        stepStart[stepStart.count - 1] += 1
    }

    /// Rows touched at step t.
    func rows(ofStep t: Int) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: rows.base + stepStart[t], count: stepStart[t + 1] - stepStart[t])
    }

    /// Swaps the saved copies of step t's rows with the memory's rows (`skipping` one entry: test-only fault).
    func exchange(step t: Int, with memory: MemoryMatrix<Scalar>, skipping: Int? = nil) {
        for e in stepStart[t]..<stepStart[t + 1] where e - stepStart[t] != skipping {
            let row = memory.row(Int(rows.base[e])), copy = saved.base + e * width
            for k in 0..<width { swap(&row[k], &copy[k]) }
        }
    }

    /// Test-only regression (`PerformanceFault.copyMemoryPerStep`): keeps a whole copy of memory,
    /// O(N*W) per step, that rollback never needs.
    func saveWholeMemory(_ memory: MemoryMatrix<Scalar>) {
        wasted.append(memory.storage.count).update(from: memory.storage.baseAddress!, count: memory.storage.count)
    }
    private let wasted = GrowableBuffer<Scalar>()

    func removeAll() {
        wasted.removeAll()
        rows.removeAll()
        saved.removeAll()
        stepStart.removeAll(keepingCapacity: true)
        stepStart.append(0)
    }

    /// Bytes of the rows, the saved contents and the step offsets.
    var byteSize: Int { rows.byteSize + saved.byteSize + steps * MemoryLayout<Int>.stride + wasted.byteSize }
}
