/// Usage as time of last access, kept as an order of rows from least to most recently used
/// (SPEC step 7 and "Decisions the paper leaves open").
///
/// A doubly linked list over the N rows in two contiguous arrays: moving a row to the back and
/// reading the R least recently used rows are O(1) each. The ring starts as 0, 1, ..., N-1; rows
/// accessed in one step move to the back in ascending row order, so ties in usage go to the lower
/// position in the ring.
public struct LeastRecentlyUsedRing: Sendable, Equatable {
    private var previous: [Int32]
    private var next: [Int32]
    private var head: Int32
    private var tail: Int32

    public init(count: Int) {
        previous = (0..<count).map { Int32($0) - 1 }
        next = (0..<count).map { $0 + 1 < count ? Int32($0 + 1) : -1 }
        head = 0
        tail = Int32(count - 1)
    }

    /// The `r` least recently used rows, oldest first, written into `result`.
    public func leastRecentlyUsed(_ r: Int, into result: inout [Int]) {
        result.removeAll(keepingCapacity: true)
        var at = head
        while result.count < r, at >= 0 {
            result.append(Int(at))
            at = next[Int(at)]
        }
    }

    /// Moves each of `rows` for which `isMoved` holds to the most recently used end, in order
    /// (one mutating access to the ring for the batch).
    public mutating func moveToBack(_ rows: [Int], where isMoved: (Int) -> Bool) {
        for row in rows where isMoved(row) { moveToBack(row) }
    }

    /// Moves `row` to the most recently used end.
    public mutating func moveToBack(_ row: Int) {
        let i = Int32(row)
        guard i != tail else { return }
        let p = previous[row], n = next[row]
        if p >= 0 { next[Int(p)] = n } else { head = n }
        previous[Int(n)] = p
        previous[row] = tail
        next[row] = -1
        next[Int(tail)] = i
        tail = i
    }

    /// Puts the ring back to its initial order 0, 1, ..., N-1, given every row that was moved since
    /// it was last in that order (`moved`, each once). O(moved), not O(N):
    /// in the initial order row i links to i-1 and i+1. Moving rows changes only the links of the
    /// moved rows, of the rows that were next to them when they moved, and of the tail. The rows
    /// never moved keep their ascending order, so a never-moved row p can have a wrong `next` only if
    /// p+1 moved (or p is the last row), and a wrong `previous` only if p-1 moved. Re-linking every
    /// moved row m together with m-1 and m+1, and the two ends, restores every link.
    public mutating func restoreInitialOrder<Rows: Sequence>(moved: Rows) where Rows.Element: BinaryInteger {
        let n = previous.count
        guard n > 0 else { return }
        func relink(_ i: Int) {
            guard i >= 0, i < n else { return }
            previous[i] = Int32(i) - 1
            next[i] = i + 1 < n ? Int32(i + 1) : -1
        }
        for m in moved {
            let i = Int(m)
            relink(i - 1); relink(i); relink(i + 1)
        }
        relink(0); relink(n - 1)
        head = 0
        tail = Int32(n - 1)
    }

    /// All rows from least to most recently used (O(N): for tests and inspection).
    public var order: [Int] {
        var result: [Int] = []
        leastRecentlyUsed(previous.count, into: &result)
        return result
    }

    public var byteSize: Int { (previous.count + next.count) * MemoryLayout<Int32>.stride }
}
