import NearestNeighbours
import SAMNumerics

/// What an episode changed since the last reset, so that `SAM.reset()` can return to M_0 in
/// O(rows touched) instead of O(N) (SPEC "Backward pass and memory"; Proofs/episode-reset.md).
///
/// - Memory: the first time a row is written after a reset, its contents (a row of M_0, W scalars)
///   are saved; later writes of the same row save nothing. Restoring copies the saved rows back,
///   so memory equals M_0 bit for bit. When M_0 is all zeros nothing needs saving: restoring zeroes
///   the rows.
/// - Usage: every row moved in the LRU ring and every row whose time of last access changed is
///   listed once, so the ring and the access times can be put back for those rows alone.
///
/// Space: W scalars and one index per distinct written row, one index per distinct used row, plus
/// one flag byte per row allocated once (N bytes). Time: O(1) per touched row per step, O(rows
/// touched · W) per restore, whatever N is.
@usableFromInline
final class EpisodeUndoLog<Scalar: ModelScalar> {
    private let width: Int
    /// M_0 is all zeros: rows are restored by zeroing, and no contents are saved.
    private let initialIsZero: Bool
    /// Per row: bit 0 the row was written since reset, bit 1 its usage changed since reset.
    private let flags: UnsafeMutablePointer<UInt8>
    private let rowCount: Int
    private let writtenRows = GrowableBuffer<Int32>()
    private let savedContents = GrowableBuffer<Scalar>()
    private let usedRows = GrowableBuffer<Int32>()

    init(rows: Int, width: Int, initialIsZero: Bool) {
        self.width = width
        self.initialIsZero = initialIsZero
        rowCount = rows
        flags = .allocate(capacity: max(rows, 1))
        flags.initialize(repeating: 0, count: max(rows, 1))
    }

    deinit { flags.deallocate() }

    /// Makes room for a segment of `steps` steps that each write or use at most `rowsPerStep` rows,
    /// capped at N: allocates (once, exactly) only when that exceeds the capacity, so the steps of a
    /// segment never grow the log (no allocation in a steady-state step, whichever rows the index picks).
    /// Reserved but unwritten storage is address space, not resident memory.
    func reserve(steps: Int, rowsPerStep: Int) {
        let rows = min(rowCount, SizeSyntax.product(steps, rowsPerStep) ?? rowCount)
        writtenRows.reserve(min(rowCount, writtenRows.count + rows))
        if !initialIsZero { savedContents.reserve(min(rowCount, writtenRows.count + rows) * width) }
        usedRows.reserve(min(rowCount, usedRows.count + rows))
    }

    /// Row `row` of `memory` is about to be written: save its M_0 contents if this is its first write.
    @inline(__always)
    func willWrite(row: Int, of memory: MemoryMatrix<Scalar>) {
        guard flags[row] & 1 == 0 else { return }
        flags[row] |= 1
        writtenRows.append(1).pointee = Int32(row)
        if !initialIsZero { savedContents.append(width).update(from: memory.row(row), count: width) }
    }

    /// Row `row` moved in the LRU ring or had its time of last access set.
    @inline(__always)
    func didUse(row: Int) {
        guard flags[row] & 2 == 0 else { return }
        flags[row] |= 2
        usedRows.append(1).pointee = Int32(row)
    }

    /// Rows written since the last reset (each once, in first-write order).
    var written: UnsafeBufferPointer<Int32> { UnsafeBufferPointer(start: writtenRows.base, count: writtenRows.count) }
    /// Rows whose usage changed since the last reset (each once).
    var used: UnsafeBufferPointer<Int32> { UnsafeBufferPointer(start: usedRows.base, count: usedRows.count) }

    /// Copies M_0 back into every written row of `memory`.
    func restoreMemory(_ memory: MemoryMatrix<Scalar>) {
        for (n, row) in written.enumerated() {
            if initialIsZero {
                memory.row(Int(row)).update(repeating: 0, count: width)
            } else {
                memory.row(Int(row)).update(from: savedContents.base + n * width, count: width)
            }
        }
    }

    /// Undoes the episode (SAM's and the SDNC's reset): M_0 back into the written rows, which `index`
    /// re-indexes (`rows` is scratch), the used rows' ring links and access times; then forgets it all.
    /// Returns the rows visited. O(rows touched · W) plus the index's update of the written rows.
    func undo(memory: MemoryMatrix<Scalar>, index: any NearestNeighbourIndex<Scalar>, ring: inout LeastRecentlyUsedRing,
              lastAccess: inout [Int], rows: inout [Int]) -> Int {
        let visited = written.count + used.count
        restoreMemory(memory)
        rows.removeAll(keepingCapacity: true)
        for row in written { rows.append(Int(row)) }
        if !rows.isEmpty { index.restore(rows: rows, in: memory) }
        ring.restoreInitialOrder(moved: used)
        for row in used { lastAccess[Int(row)] = 0 }
        clear()
        return visited
    }

    /// Forgets everything (after a restore, or after a full re-initialisation).
    func clear() {
        for row in written { flags[Int(row)] = 0 }
        for row in used { flags[Int(row)] = 0 }
        writtenRows.removeAll()
        savedContents.removeAll()
        usedRows.removeAll()
    }

    /// Appends that had to grow a list since creation (each an allocation; none once `reserve` covers the segment).
    var growths: Int { writtenRows.growths + savedContents.growths + usedRows.growths }

    /// Bytes held: the saved rows and the two row lists, plus the N flag bytes.
    var byteSize: Int { rowCount + writtenRows.byteSize + savedContents.byteSize + usedRows.byteSize }
}
