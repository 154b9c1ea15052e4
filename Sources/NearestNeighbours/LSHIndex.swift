import SAMNumerics

/// Random-hyperplane (sign) locality-sensitive hashing, re-ranked by exact cosine. Pure Swift.
///
/// **Hashing.** `L = settings.lshTables` tables of `k = settings.lshBits` bits (1...64). The
/// hyperplanes are an `(L·k) x W` matrix of standard normal entries drawn from
/// `SeededGenerator(seed: settings.seed)`. Bit b of table t's key for a vector v is
/// `planes[t·k + b] · v ≥ 0`, so all L keys of a vector cost one gemv. The sign does not change
/// under positive scaling, so rows are hashed as they are (a zero row hashes to all ones).
///
/// **Storage.** Per table, a dictionary maps a key to a bucket number; a bucket is a doubly linked
/// list of row numbers (`Int32`) threaded through two `N x L` arrays, so an update costs O(L) per row
/// (unlink from the old bucket, push onto the new one) and never allocates: a row's links are its
/// own slots. (Buckets as arrays reused their capacity under another key when recycled, so a
/// steady-state step still grew one now and then.) Emptied bucket numbers are recycled.
/// The order of the rows inside a bucket does not change a query's result or its count of
/// distances: every unseen row of a probed bucket is scored, and the ranking's tie rule is total.
///
/// **Queries.** The candidates are the union of the query's L buckets, each scored by SPEC's exact
/// cosine from the current memory rows (so no stale similarity is ever used) and ranked with ties
/// to the lower row. If fewer than K distinct candidates turn up, neighbouring buckets are probed
/// (multi-probe): the query's key with one bit flipped, bits taken in order of increasing
/// |projection| (the least certain first), round-robin over the tables, until K candidates are
/// found. If all single-bit neighbours together still hold fewer than K rows, the remaining rows
/// are scanned. So a query always returns `min(k, N)` distinct rows. `distanceEvaluations` counts
/// exactly the candidates scored.
public final class LSHIndex<Scalar: ModelScalar>: NearestNeighbourIndex {
    public var kind: IndexKind { .lsh }
    public private(set) var counters = IndexCounters()
    /// ε of the stabilised norm.
    public let epsilon: Scalar
    /// Tables, bits and seed (the k-d forest fields are unused).
    public let settings: IndexSettings
    private let tables: Int
    private let bits: Int

    private var width = 0
    private var rowCount = 0
    /// `(L·k) x W` hyperplanes, row-major.
    private var planes: [Scalar] = []
    /// Scratch for one vector's `L·k` projections.
    private var projections: [Scalar] = []
    /// `N x L`: bucket number of row i in table t at `i·L + t`.
    private var bucketOfRow: [Int32] = []
    /// `N x L`: the next and the previous row in that bucket's list (−1: none).
    private var nextInBucket: [Int32] = [], previousInBucket: [Int32] = []
    /// Per table: key → bucket number.
    private var bucketOfKey: [[UInt64: Int32]] = []
    /// Per bucket number: its key (valid while the bucket is in use).
    private var keyOfBucket: [UInt64] = []
    /// Per bucket number: the first row of its list (−1: empty).
    private var bucketHead: [Int32] = []
    /// Bucket numbers free for reuse.
    private var freeBuckets: [Int32] = []
    private var rowNorms: [Scalar] = []
    /// Per row: the query stamp at which it was last scored (dedupes candidates without clearing).
    private var seenAt: [UInt32] = []
    private var stamp: UInt32 = 0
    private var queryKeys: [UInt64] = []
    /// Scratch for multi-probe: per table, bit numbers in order of increasing |projection|.
    private var probeOrder: [Int] = []
    private var ranking = TopK<Scalar>()

    /// An index with `settings.lshTables` tables of `settings.lshBits` bits.
    /// Call `build(from:)` before the first query. Settings are validated by `makeIndex`.
    public init(settings: IndexSettings, epsilon: Scalar) {
        self.settings = settings
        self.epsilon = epsilon
        tables = settings.lshTables
        bits = settings.lshBits
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func build(from memory: MemoryMatrix<Scalar>) {
        if memory.width != width || planes.isEmpty {
            width = memory.width
            var generator = SeededGenerator(seed: settings.seed)
            planes = (0..<(tables * bits * width)).map { _ in generator.normal() }
            projections = Array(repeating: 0, count: tables * bits)
            queryKeys = Array(repeating: 0, count: tables)
            probeOrder = Array(repeating: 0, count: tables * bits)
        }
        rowCount = memory.rows
        bucketOfRow = Array(repeating: -1, count: rowCount * tables)
        nextInBucket = Array(repeating: -1, count: rowCount * tables)
        previousInBucket = Array(repeating: -1, count: rowCount * tables)
        bucketOfKey = Array(repeating: [:], count: tables)
        keyOfBucket.removeAll()
        bucketHead.removeAll()
        freeBuckets.removeAll()
        rowNorms = Array(repeating: 0, count: rowCount)
        seenAt = Array(repeating: 0, count: rowCount)
        stamp = 0
        for i in 0..<rowCount { insert(row: i, from: memory) }
        counters.rebuilds += 1
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func update(rows: [Int], in memory: MemoryMatrix<Scalar>) {
        for r in 0..<rows.count {   // an index loop: a debug build's `for x in array` allocates
            let i = rows[r]
            for t in 0..<tables { removeFromBucket(row: i, table: t) }
            insert(row: i, from: memory)
        }
        counters.rowsUpdated += rows.count
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func query(_ q: UnsafePointer<Scalar>, k: Int, in memory: MemoryMatrix<Scalar>, into result: inout [Int]) {
        let n = memory.rows, k = min(k, n)
        counters.queries += 1
        ranking.reset(k: k)
        guard k > 0 else { return ranking.write(into: &result) }
        let queryNorm = stabilisedNorm(q, count: width, epsilon: epsilon)
        hash(q)
        for t in 0..<tables { queryKeys[t] = key(table: t) }
        nextStamp()
        var found = 0
        for t in 0..<tables { found += probe(table: t, key: queryKeys[t], q, queryNorm, memory) }
        if found < k {
            // Multi-probe: flip the least certain bits first, one at a time, round-robin over tables.
            for t in 0..<tables { sortBitsByMargin(table: t) }
            probing: for rank in 0..<bits {
                for t in 0..<tables {
                    let flipped = queryKeys[t] ^ (UInt64(1) << UInt64(probeOrder[t * bits + rank]))
                    found += probe(table: t, key: flipped, q, queryNorm, memory)
                    if found >= k { break probing }
                }
            }
        }
        if found < k {
            for row in 0..<n where seenAt[row] != stamp { score(row, q, queryNorm, memory) }
        }
        ranking.write(into: &result)
    }

    public var byteSize: Int {
        let scalars = planes.capacity + projections.capacity + rowNorms.capacity
        let int32s = bucketOfRow.capacity + nextInBucket.capacity + previousInBucket.capacity + freeBuckets.capacity
            + bucketHead.capacity
        // Dictionary storage estimated as capacity x (key + value).
        let dictionaries = bucketOfKey.reduce(0) { $0 + $1.capacity * (8 + 4) }
        return scalars * MemoryLayout<Scalar>.stride + int32s * 4 + dictionaries
            + (keyOfBucket.capacity + queryKeys.capacity) * 8 + seenAt.capacity * 4
            + probeOrder.capacity * 8
            + ranking.entries.capacity * MemoryLayout<(score: Scalar, row: Int)>.stride
    }

    // MARK: - Hashing and buckets

    /// Projections of v (W scalars) on all `L·k` hyperplanes, into `projections`.
    private func hash(_ v: UnsafePointer<Scalar>) {
        planes.withUnsafeBufferPointer { p in
            projections.withUnsafeMutableBufferPointer { out in
                Scalar.gemv(transposed: false, rows: tables * bits, cols: width, alpha: 1, p.baseAddress!, v,
                            beta: 0, out.baseAddress!)
            }
        }
    }

    /// Table t's key from the current `projections`.
    private func key(table t: Int) -> UInt64 {
        var key: UInt64 = 0
        for b in 0..<bits where projections[t * bits + b] >= 0 { key |= UInt64(1) << UInt64(b) }
        return key
    }

    /// Hashes row i, refreshes its norm and pushes it onto its bucket's list in every table.
    private func insert(row i: Int, from memory: MemoryMatrix<Scalar>) {
        rowNorms[i] = stabilisedNorm(memory.row(i), count: width, epsilon: epsilon)
        hash(memory.row(i))
        for t in 0..<tables {
            let key = key(table: t)
            let bucket: Int32
            if let existing = bucketOfKey[t][key] {
                bucket = existing
            } else if let recycled = freeBuckets.popLast() {
                bucket = recycled
                keyOfBucket[Int(bucket)] = key
                bucketOfKey[t][key] = bucket
            } else {
                bucket = Int32(bucketHead.count)
                bucketHead.append(-1)
                keyOfBucket.append(key)
                bucketOfKey[t][key] = bucket
            }
            let slot = i * tables + t, first = bucketHead[Int(bucket)]
            bucketOfRow[slot] = bucket
            previousInBucket[slot] = -1
            nextInBucket[slot] = first
            if first >= 0 { previousInBucket[Int(first) * tables + t] = Int32(i) }
            bucketHead[Int(bucket)] = Int32(i)
        }
    }

    /// Unlinks row i from its bucket in table t; an emptied bucket is recycled.
    private func removeFromBucket(row i: Int, table t: Int) {
        let slot = i * tables + t, bucket = Int(bucketOfRow[slot])
        let previous = previousInBucket[slot], next = nextInBucket[slot]
        if previous >= 0 { nextInBucket[Int(previous) * tables + t] = next } else { bucketHead[bucket] = next }
        if next >= 0 { previousInBucket[Int(next) * tables + t] = previous }
        if bucketHead[bucket] < 0 {
            bucketOfKey[t][keyOfBucket[bucket]] = nil
            freeBuckets.append(Int32(bucket))
        }
    }

    // MARK: - Query helpers

    private func nextStamp() {
        if stamp == UInt32.max {
            for i in seenAt.indices { seenAt[i] = 0 }
            stamp = 0
        }
        stamp += 1
    }

    /// Scores the unseen rows of table t's bucket `key`; returns how many were new.
    private func probe(table t: Int, key: UInt64, _ q: UnsafePointer<Scalar>, _ queryNorm: Scalar,
                       _ memory: MemoryMatrix<Scalar>) -> Int {
        guard let bucket = bucketOfKey[t][key] else { return 0 }
        var fresh = 0, next = bucketHead[Int(bucket)]
        while next >= 0 {
            let row = Int(next)
            next = nextInBucket[row * tables + t]
            guard seenAt[row] != stamp else { continue }
            score(row, q, queryNorm, memory)
            fresh += 1
        }
        return fresh
    }

    private func score(_ row: Int, _ q: UnsafePointer<Scalar>, _ queryNorm: Scalar, _ memory: MemoryMatrix<Scalar>) {
        seenAt[row] = stamp
        ranking.offer(cosineSimilarity(q, queryNorm: queryNorm, memory.row(row), rowNorm: rowNorms[row],
                                       width: width), row: row)
        counters.distanceEvaluations += 1
    }

    /// Fills `probeOrder[t·k ..< (t+1)·k]` with table t's bit numbers by increasing |projection|
    /// (insertion sort: k ≤ 64, and this runs only when the query's own buckets were too small).
    private func sortBitsByMargin(table t: Int) {
        let base = t * bits
        for b in 0..<bits {
            let margin = abs(projections[base + b])
            var at = b
            while at > 0, abs(projections[base + probeOrder[base + at - 1]]) > margin {
                probeOrder[base + at] = probeOrder[base + at - 1]
                at -= 1
            }
            probeOrder[base + at] = b
        }
    }
}
