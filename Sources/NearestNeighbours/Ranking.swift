import SAMNumerics

/// The best `k` (similarity, row) pairs offered so far, best first, with SPEC's tie rule:
/// of two equal similarities the lower row index ranks higher.
///
/// Rows may be offered in any order (the approximate indexes see candidates in bucket or
/// tree order), so the tie rule is applied in every comparison rather than relying on ascending
/// offers. Holds at most `k + 1` entries; `reset` keeps the capacity so ranking allocates nothing
/// in steady state. Offering costs O(k) in the worst case, O(1) for a row that does not make it.
struct TopK<Scalar: ModelScalar> {
    private(set) var entries: [(score: Scalar, row: Int)] = []
    private(set) var k = 0

    /// Empties the list and sets how many entries it keeps.
    mutating func reset(k: Int) {
        self.k = k
        entries.removeAll(keepingCapacity: true)
        entries.reserveCapacity(k + 1)
    }

    /// True when `k` entries are held.
    var isFull: Bool { entries.count >= k }

    /// Whether `(a, rowA)` ranks strictly above `(b, rowB)`.
    @inline(__always)
    static func ranksAbove(_ a: Scalar, _ rowA: Int, _ b: Scalar, _ rowB: Int) -> Bool {
        a > b || (a == b && rowA < rowB)
    }

    /// Offers one candidate; it is kept if it ranks among the best `k`.
    @inline(__always)
    mutating func offer(_ score: Scalar, row: Int) {
        guard k > 0 else { return }
        if entries.count == k {
            let worst = entries[k - 1]
            guard Self.ranksAbove(score, row, worst.score, worst.row) else { return }
            entries.removeLast()
        }
        // Append, then shift into place (no `insert`, whose generic path allocates in debug builds).
        entries.append((score, row))
        var at = entries.count - 1
        while at > 0, Self.ranksAbove(score, row, entries[at - 1].score, entries[at - 1].row) {
            entries[at] = entries[at - 1]
            at -= 1
        }
        entries[at] = (score, row)
    }

    /// Offers every row of `memory` (an exact scan): the fallback of the approximate indexes when
    /// their search yields fewer than k rows. Returns the number of similarities evaluated (N).
    mutating func offerAllRows(_ q: UnsafePointer<Scalar>, queryNorm: Scalar, in memory: MemoryMatrix<Scalar>,
                               rowNorms: [Scalar]) -> Int {
        reset(k: k)
        for row in 0..<memory.rows {
            offer(cosineSimilarity(q, queryNorm: queryNorm, memory.row(row), rowNorm: rowNorms[row], width: memory.width),
                  row: row)
        }
        return memory.rows
    }

    /// Writes the kept rows, best first, into `result` (reusing its capacity).
    func write(into result: inout [Int]) {
        result.removeAll(keepingCapacity: true)
        // Index loops, here and in the indexes' hot paths: a debug build's `for x in array` allocates.
        for j in 0..<entries.count { result.append(entries[j].row) }
    }
}

/// SPEC's cosine similarity of a query and one row, given both stabilised norms:
/// `s = (q·m) / (‖q‖_ε ‖m‖_ε)`, over `width` contiguous scalars.
@inline(__always)
func cosineSimilarity<Scalar: ModelScalar>(_ q: UnsafePointer<Scalar>, queryNorm: Scalar,
                                           _ row: UnsafePointer<Scalar>, rowNorm: Scalar, width: Int) -> Scalar {
    Scalar.dot(width, q, row) / (queryNorm * rowNorm)
}

/// Writes the query point `q̃ = [q / ‖q‖_ε ; 0]` (`width + 1` entries) matching
/// `writeAugmentedUnitPoint`, and returns `‖q‖_ε`.
@inline(__always)
func writeAugmentedQueryPoint<Scalar: ModelScalar, Point: BinaryFloatingPoint>(
    _ q: UnsafePointer<Scalar>, width: Int, epsilon: Scalar, into target: UnsafeMutablePointer<Point>) -> Scalar {
    let norm = stabilisedNorm(q, count: width, epsilon: epsilon)
    for j in 0..<width { target[j] = Point(q[j] / norm) }
    target[width] = 0
    return norm
}

/// Writes the augmented unit point of a row, `m̃ = [M(i) / ‖M(i)‖_ε ; sqrt(ε) / ‖M(i)‖_ε]`
/// (`width + 1` entries, `‖m̃‖ = 1` exactly in real arithmetic), and returns `‖M(i)‖_ε`.
/// With a query point `q̃ = [q / ‖q‖_ε ; 0]`, `q̃ · m̃ = s(i)` (SPEC's cosine) and
/// `‖q̃ − m̃‖² = ‖q̃‖² + 1 − 2 s(i)`: inner-product and Euclidean order are both the cosine order,
/// zero rows included. Used by the k-d forest (Scalar points) and HNSW (Float points).
@inline(__always)
func writeAugmentedUnitPoint<Scalar: ModelScalar, Point: BinaryFloatingPoint>(
    _ row: UnsafePointer<Scalar>, width: Int, epsilon: Scalar, into target: UnsafeMutablePointer<Point>) -> Scalar {
    let norm = stabilisedNorm(row, count: width, epsilon: epsilon)
    let inverse = 1 / norm
    for j in 0..<width { target[j] = Point(row[j] * inverse) }
    target[width] = Point(Scalar.sqrt(epsilon) * inverse)
    return norm
}

/// `‖q‖_ε` and the re-ranking width `min(N, 2K)`, from `TopK.startQuery`.
struct QueryStart<Scalar: ModelScalar> {
    let queryNorm: Scalar
    /// Candidates an index that re-ranks fetches: min(N, 2K).
    let candidates: Int
}

extension TopK {
    /// The preamble every approximate index's query shares: counts the query in `counters`, resets the
    /// ranking to keep `min(k, N)` rows and, unless there is nothing to find (k = 0, or `built` false:
    /// then nil), writes `q̃ = [q / ‖q‖_ε ; 0]` into `point` (its W + 1 entries, `writeAugmentedQueryPoint`)
    /// and returns `‖q‖_ε` with the re-ranking width `min(N, 2K)`.
    @inline(__always)
    mutating func startQuery<Point: BinaryFloatingPoint>(
        _ q: UnsafePointer<Scalar>, k: Int, rows n: Int, width w: Int, epsilon: Scalar, built: Bool,
        counters: inout IndexCounters, point: inout [Point]) -> QueryStart<Scalar>? {
        counters.queries += 1
        reset(k: min(k, n))
        guard self.k > 0, built else { return nil }
        let norm = point.withUnsafeMutableBufferPointer {
            writeAugmentedQueryPoint(q, width: w, epsilon: epsilon, into: $0.baseAddress!)
        }
        return QueryStart(queryNorm: norm, candidates: min(n, 2 * self.k))
    }
}

/// Grows a pair of candidate buffers (ids and distances) to at least `count` entries; queries after
/// the first reuse them, so this allocates nothing in steady state.
@inline(__always)
func reserveCandidates<A, B>(_ count: Int, _ a: inout [A], filling fillA: A, _ b: inout [B], filling fillB: B) {
    if a.count < count { a = Array(repeating: fillA, count: count) }
    if b.count < count { b = Array(repeating: fillB, count: count) }
}
