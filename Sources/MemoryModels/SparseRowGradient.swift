import SAMNumerics

/// dL/dM for SAM's backward pass, held only for the rows the episode touched
/// (SPEC "Backward pass and memory"; Proofs/journal.md "Cost").
///
/// SAM's backward reads and writes dL/dM_t only on rows that some step read (S_{t,j}) or wrote
/// (u_j, S_{t-1,j}); every other row's gradient is zero throughout. A dense N x W matrix would cost
/// N·W scalars of resident memory (128 MiB at N = 2^20, W = 32 in Float) for at most T·R·(K+1) + R·K
/// non-zero rows. Here a row gets a zeroed slot of W scalars the first time it is asked for, found
/// through a table of N slot numbers (4 bytes per row, allocated once).
///
/// `reserve(rows:)` before a backward pass fixes the capacity, so pointers returned by `row(_:)`
/// stay valid for the whole pass and the pass allocates nothing.
@usableFromInline
final class SparseRowGradient<Scalar: ModelScalar> {
    private let width: Int
    /// Slot of each row, or -1 when the row's gradient is zero and has no slot.
    private let slotOf: UnsafeMutablePointer<Int32>
    private let rowCount: Int
    private let slotRows = GrowableBuffer<Int32>()
    private let values = GrowableBuffer<Scalar>()

    init(rows: Int, width: Int) {
        self.width = width
        rowCount = rows
        slotOf = .allocate(capacity: max(rows, 1))
        slotOf.initialize(repeating: -1, count: max(rows, 1))
    }

    deinit { slotOf.deallocate() }

    /// Makes room for `rows` distinct rows without reallocating.
    /// Call it while no row has a slot (after `clear()`).
    func reserve(rows: Int) {
        precondition(slotRows.count == 0, "SparseRowGradient.reserve: call it while empty")
        _ = slotRows.append(rows)
        _ = values.append(rows * width)
        slotRows.removeAll()
        values.removeAll()
    }

    /// dL/dM(i), W scalars; zero the first time row i is asked for since `clear()`.
    @inline(__always)
    func row(_ i: Int) -> UnsafeMutablePointer<Scalar> {
        let slot = Int(slotOf[i])
        if slot >= 0 { return values.base + slot * width }
        slotOf[i] = Int32(slotRows.count)
        slotRows.append(1).pointee = Int32(i)
        let row = values.append(width)
        row.initialize(repeating: 0, count: width)
        return row
    }

    /// Rows that have a slot.
    var rowsHeld: Int { slotRows.count }

    /// Every row's gradient back to zero, in O(rows held).
    func clear() {
        for n in 0..<slotRows.count { slotOf[Int(slotRows.base[n])] = -1 }
        slotRows.removeAll()
        values.removeAll()
    }

    /// Bytes held: the slot table (N) and the capacity of the slots.
    var byteSize: Int { rowCount * MemoryLayout<Int32>.stride + slotRows.byteSize + values.byteSize }
}
