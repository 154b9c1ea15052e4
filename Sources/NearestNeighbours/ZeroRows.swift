import SAMNumerics

/// The rows of a memory whose W entries are all zero (SAM's M_0 = 0, and rows restored to it): they
/// are one point, so every query scores them alike (s = 0 exactly) and SPEC's tie rule ranks them by
/// row. An index keeps them out of its search structure and offers the lowest of them as one tie class.
///
/// A two-level bitset: `bits` (a bit per row) and `summary` (a bit per non-empty word of `bits`), so
/// `insert`/`remove` are O(1) and `lowest(k)` is O(N / 4096 + k).
struct ZeroRows {
    private var bits: [UInt64] = [], summary: [UInt64] = []
    private(set) var count = 0

    /// An empty set over `rows` rows.
    mutating func reset(rows: Int) {
        let words = (rows + 63) / 64
        if bits.count != words { bits = Array(repeating: 0, count: words) } else { for w in bits.indices { bits[w] = 0 } }
        let summaryWords = (words + 63) / 64
        if summary.count != summaryWords { summary = Array(repeating: 0, count: summaryWords) } else {
            for w in summary.indices { summary[w] = 0 }
        }
        count = 0
    }

    func contains(_ row: Int) -> Bool { bits[row >> 6] & (1 << UInt64(row & 63)) != 0 }

    /// Records whether `row` is all zero now.
    mutating func set(_ row: Int, zero: Bool) {
        let w = row >> 6, bit: UInt64 = 1 << UInt64(row & 63)
        guard (bits[w] & bit != 0) != zero else { return }
        bits[w] ^= bit
        count += zero ? 1 : -1
        if bits[w] == 0 { summary[w >> 6] &= ~(1 << UInt64(w & 63)) } else { summary[w >> 6] |= 1 << UInt64(w & 63) }
    }

    /// Calls `body` with each of the `k` lowest rows of the set (fewer if it holds fewer), ascending.
    func forLowest(_ k: Int, _ body: (Int) -> Void) {
        var left = k
        for s in 0..<summary.count where left > 0 {
            var words = summary[s]
            while words != 0, left > 0 {
                let w = s * 64 + words.trailingZeroBitCount
                words &= words - 1
                var word = bits[w]
                while word != 0, left > 0 {
                    body(w * 64 + word.trailingZeroBitCount)
                    word &= word - 1
                    left -= 1
                }
            }
        }
    }

    /// Whether all `width` entries at `row` are zero.
    static func isZero<Scalar: ModelScalar>(_ row: UnsafePointer<Scalar>, width: Int) -> Bool {
        for j in 0..<width where row[j] != 0 { return false }
        return true
    }

    var byteSize: Int { (bits.capacity + summary.capacity) * MemoryLayout<UInt64>.stride }
}
