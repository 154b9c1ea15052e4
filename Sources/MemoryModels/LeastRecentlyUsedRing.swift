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

    /// All rows from least to most recently used (O(N): for tests and inspection).
    public var order: [Int] {
        var result: [Int] = []
        leastRecentlyUsed(previous.count, into: &result)
        return result
    }

    public var byteSize: Int { (previous.count + next.count) * MemoryLayout<Int32>.stride }
}
