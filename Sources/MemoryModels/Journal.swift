import SAMNumerics

/// SAM's journal of in-place memory writes (SPEC "Backward pass and memory: journaled rollback").
///
/// Each step has a fixed-size entry: up to `maxRows` = R*(K+1) touched rows (the most a sparse write
/// touches), the number used, and one saved copy of each row (W scalars). Right after the forward
/// step the copy is the row's old contents (M_{t-1}); `exchange(step:)` swaps copy and memory, so one
/// call rolls the rows back to M_{t-1} and leaves M_t in the journal, and a second call re-applies
/// M_t. Swapping moves bits and does no arithmetic, so rollback and re-application are exact
/// (Proofs/journal.md). Space per step: exactly R*(K+1)*(W scalars + one index) + one count, whatever
/// N is and however the heads' rows overlap; the journal never holds a whole memory.
@usableFromInline
final class Journal<Scalar: ModelScalar> {
    private let width: Int
    private let maxRows: Int
    private let rows = GrowableBuffer<Int32>()
    private let saved = GrowableBuffer<Scalar>()
    private let used = GrowableBuffer<Int32>()
    private let wasted = GrowableBuffer<Scalar>()

    init(width: Int, maxRows: Int) {
        self.width = width
        self.maxRows = maxRows
    }

    var steps: Int { used.count }

    /// Starts a new step's entry.
    func beginStep() {
        _ = rows.append(maxRows)
        _ = saved.append(maxRows * width)
        used.append(1).pointee = 0
    }

    /// Saves the current contents of `row` of `memory` into the current step's entry.
    func save(row: Int, of memory: MemoryMatrix<Scalar>) {
        let t = steps - 1, slot = Int(used.base[t])
        precondition(slot < maxRows, "Journal: more than R*(K+1) rows touched in one step")
        rows.base[t * maxRows + slot] = Int32(row)
        (saved.base + (t * maxRows + slot) * width).update(from: memory.row(row), count: width)
        used.base[t] += 1
    }

    /// Rows touched at step t.
    func rows(ofStep t: Int) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: rows.base + t * maxRows, count: Int(used.base[t]))
    }

    /// Swaps the saved copies of step t's rows with the memory's rows (`skipping` one entry: test-only fault).
    func exchange(step t: Int, with memory: MemoryMatrix<Scalar>, skipping: Int? = nil) {
        for slot in 0..<Int(used.base[t]) where slot != skipping {
            let row = memory.row(Int(rows.base[t * maxRows + slot])), copy = saved.base + (t * maxRows + slot) * width
            for k in 0..<width { swap(&row[k], &copy[k]) }
        }
    }

    /// The end of a backward pass: re-applies steps 0..<steps in order, so memory is at M_T again
    /// (each step's rows were rolled back by `exchange`). Counts each step's re-applied rows plus
    /// `clearedRowsPerStep` rows of dM cleared into `work.backwardRows`, and raises `peak` per step.
    func reapply(steps: Int, to memory: MemoryMatrix<Scalar>, clearedRowsPerStep: Int,
                 work: inout StepWork, peak: inout StepWork) {
        for t in 0..<steps {
            let before = work
            exchange(step: t, with: memory)
            work.backwardRows += rows(ofStep: t).count + clearedRowsPerStep
            peak.raise(toStepFrom: before, to: work)
        }
    }

    /// Test-only regression (`PerformanceFault.copyMemoryPerStep`): keeps a whole copy of memory,
    /// O(N*W) per step, that rollback never needs.
    func saveWholeMemory(_ memory: MemoryMatrix<Scalar>) {
        wasted.append(memory.storage.count).update(from: memory.storage.baseAddress!, count: memory.storage.count)
    }

    /// Room for `steps` entries, allocated at once (the forward knows its episode's length).
    func reserve(steps: Int) {
        rows.reserve(steps * maxRows)
        saved.reserve(steps * maxRows * width)
        used.reserve(steps)
    }

    func removeAll() {
        rows.removeAll()
        saved.removeAll()
        used.removeAll()
        wasted.removeAll()
    }

    /// Bytes of the entries (row slots, saved contents, counts).
    var byteSize: Int { rows.byteSize + saved.byteSize + used.byteSize + wasted.byteSize }
}
