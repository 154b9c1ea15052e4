import NearestNeighbours
import SAMNumerics

/// A diagnostic index (`samkit train --trace`): answers every query with `driver`, and asks the same
/// query, on the same memory, of an exact scan and of each follower, which all receive the same
/// builds and updates. Each query's answers are logged with SPEC's cosine of every returned row
/// (`ContentAddressing.cosine`, one function for all, so equal rows score bit-identically), so a
/// follower can be judged against the exact answer with ties counted as ties.
///
/// The training trajectory is the driver's alone: followers never change what the model reads.
public final class ComparedIndex<Scalar: ModelScalar>: NearestNeighbourIndex {
    /// One query: the exact K best (row, s), best first, and each follower's answer (row, s), in its order.
    public struct Entry {
        public var exact: [(row: Int, score: Scalar)]
        public var followers: [[(row: Int, score: Scalar)]]
    }

    public let driver: any NearestNeighbourIndex<Scalar>
    public let followers: [(name: String, index: any NearestNeighbourIndex<Scalar>)]
    public var kind: IndexKind { driver.kind }
    public var counters: IndexCounters { driver.counters }
    public var byteSize: Int { driver.byteSize }
    let epsilon: Scalar
    private let exact: ExactIndex<Scalar>
    /// Every query since the last `takeLog()`.
    public private(set) var log: [Entry] = []
    private var rows: [Int] = []

    public init(driver: any NearestNeighbourIndex<Scalar>, followers: [(name: String, index: any NearestNeighbourIndex<Scalar>)],
                epsilon: Scalar) {
        self.driver = driver
        self.followers = followers
        self.epsilon = epsilon
        exact = ExactIndex(epsilon: epsilon)
    }

    public func build(from memory: MemoryMatrix<Scalar>) {
        driver.build(from: memory)
        exact.build(from: memory)
        for f in followers { f.index.build(from: memory) }
    }

    public func update(rows changed: [Int], in memory: MemoryMatrix<Scalar>) {
        driver.update(rows: changed, in: memory)
        exact.update(rows: changed, in: memory)
        for f in followers { f.index.update(rows: changed, in: memory) }
    }

    public func restore(rows changed: [Int], in memory: MemoryMatrix<Scalar>) {
        driver.restore(rows: changed, in: memory)
        exact.restore(rows: changed, in: memory)
        for f in followers { f.index.restore(rows: changed, in: memory) }
    }

    public func query(_ q: UnsafePointer<Scalar>, k: Int, in memory: MemoryMatrix<Scalar>, into result: inout [Int]) {
        let w = memory.width, queryNorm = stabilisedNorm(q, count: w, epsilon: epsilon)
        func scored(_ rows: [Int]) -> [(row: Int, score: Scalar)] {
            rows.map { ($0, ContentAddressing.cosine(q, queryNorm: queryNorm, memory.row($0), width: w, epsilon: epsilon).similarity) }
        }
        exact.query(q, k: k, in: memory, into: &rows)
        var entry = Entry(exact: scored(rows), followers: [])
        for f in followers {
            f.index.query(q, k: k, in: memory, into: &rows)
            entry.followers.append(scored(rows))
        }
        log.append(entry)
        driver.query(q, k: k, in: memory, into: &result)
    }

    /// The queries logged since the last call, oldest first; the log is then empty.
    public func takeLog() -> [Entry] {
        defer { log.removeAll(keepingCapacity: true) }
        return log
    }
}

/// A diagnostic follower: `inner` rebuilt from the whole memory before every query (updates ignored),
/// so its answers show what the index's search gives without its update path.
public final class RebuiltBeforeEveryQuery<Scalar: ModelScalar>: NearestNeighbourIndex {
    public let inner: any NearestNeighbourIndex<Scalar>
    public var kind: IndexKind { inner.kind }
    public var counters: IndexCounters { inner.counters }
    public var byteSize: Int { inner.byteSize }

    public init(_ inner: any NearestNeighbourIndex<Scalar>) { self.inner = inner }
    public func build(from memory: MemoryMatrix<Scalar>) { inner.build(from: memory) }
    public func update(rows: [Int], in memory: MemoryMatrix<Scalar>) {}
    public func query(_ q: UnsafePointer<Scalar>, k: Int, in memory: MemoryMatrix<Scalar>, into result: inout [Int]) {
        inner.build(from: memory)
        inner.query(q, k: k, in: memory, into: &result)
    }
}

/// How a follower's answers compare with the exact ones over a set of queries (`ComparedIndex.Entry`).
public struct IndexAgreement: Sendable, Equatable {
    public var queries = 0
    /// Σ over queries of (returned rows whose s is at least the exact K-th s) / K: recall@K with ties as hits.
    public var recallWithTies = 0.0
    /// Σ over queries of |returned ∩ exact rows| / K: recall@K by row identity.
    public var recallByRow = 0.0
    /// Queries with a unique exact nearest row (s_1 > s_2), and how many of them returned it.
    public var uniqueNearest = 0, uniqueNearestFound = 0

    public init() {}

    public mutating func add<Scalar: ModelScalar>(exact: [(row: Int, score: Scalar)], returned: [(row: Int, score: Scalar)]) {
        guard let worst = exact.last else { return }
        queries += 1
        let k = Double(exact.count)
        recallWithTies += Double(returned.filter { $0.score >= worst.score }.count) / k
        recallByRow += Double(returned.filter { r in exact.contains { $0.row == r.row } }.count) / k
        if exact.count == 1 || exact[0].score > exact[1].score {
            uniqueNearest += 1
            if returned.contains(where: { $0.row == exact[0].row }) { uniqueNearestFound += 1 }
        }
    }

    public var meanRecallWithTies: Double { recallWithTies / Double(max(1, queries)) }
    public var meanRecallByRow: Double { recallByRow / Double(max(1, queries)) }
    public var uniqueNearestRate: Double { Double(uniqueNearestFound) / Double(max(1, uniqueNearest)) }
}
