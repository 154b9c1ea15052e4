import SAMNumerics

/// `samkit index-bench`: how good and how fast each index is as memory changes under SAM-like writes.
///
/// For each size N the benchmark fills an N x W memory (`Float`), builds the index under test and
/// the exact index, then runs `steps` steps. Each step issues R queries (K neighbours each), timed
/// together, and scores recall@K against the exact index (untimed); then it simulates a sparse write
/// touching R·(K+1) distinct random rows with new contents and times the index's `update`.
/// A separate full `build(from:)` is timed as the rebuild time. Times use `ContinuousClock` (monotonic).
public enum IndexBenchmark {
    /// Where the memory, the queries and the written contents come from.
    public struct Workload {
        /// Name reported in the results.
        public var name: String
        /// Fills a memory of the given shape (called once per size).
        public var fill: (MemoryMatrix<Float>, inout SeededGenerator) -> Void
        /// Writes one W-vector (a query, or a written row's new contents) at the pointer.
        public var vector: (UnsafeMutablePointer<Float>, Int, inout SeededGenerator) -> Void

        public init(name: String, fill: @escaping (MemoryMatrix<Float>, inout SeededGenerator) -> Void,
                    vector: @escaping (UnsafeMutablePointer<Float>, Int, inout SeededGenerator) -> Void) {
            self.name = name
            self.fill = fill
            self.vector = vector
        }

        /// Random unit vectors (normal entries, normalised) for rows, queries and writes.
        public static var randomUnit: Workload {
            Workload(name: "random-unit",
                     fill: { memory, g in
                         for i in 0..<memory.rows { writeRandomUnit(memory.row(i), memory.width, &g) }
                     },
                     vector: { v, w, g in writeRandomUnit(v, w, &g) })
        }

        /// Memory supplied by the caller (e.g. written by running SAM); queries and writes stay
        /// random unit vectors unless `vector` is given too.
        public static func supplied(name: String, fill: @escaping (MemoryMatrix<Float>, inout SeededGenerator) -> Void,
                                    vector: ((UnsafeMutablePointer<Float>, Int, inout SeededGenerator) -> Void)? = nil)
            -> Workload {
            Workload(name: name, fill: fill, vector: vector ?? { v, w, g in writeRandomUnit(v, w, &g) })
        }
    }

    /// Shape and length of a run.
    public struct Configuration: Codable, Sendable {
        public var width = 32
        public var neighbours = 4
        public var heads = 4
        public var steps = 200
        public var seed: UInt64 = 1
        public var settings = IndexSettings()
        public init() {}
    }

    /// One (index, workload, N) measurement. Times are seconds.
    public struct Result: Codable, Sendable {
        public var index: IndexKind
        public var workload: String
        public var rows: Int
        public var width: Int
        public var neighbours: Int
        public var heads: Int
        public var steps: Int
        /// Mean recall@K against the exact index over steps·R queries.
        public var recall: Double
        /// Mean time for the R queries of one step.
        public var querySecondsPerStep: Double
        /// Mean `update` time per written row (the step's rows together, divided by R·(K+1)).
        public var updateSecondsPerRow: Double
        /// Mean `update` time per step (amortises any rebuilds that happened during the run).
        public var updateSecondsPerStep: Double
        /// Time of one full `build(from:)`.
        public var rebuildSeconds: Double
        /// Rebuilds that happened during the steps (the initial build excluded).
        public var rebuildsDuringRun: Int
        /// Steps between rebuilds under the index's policy (⌈N / (R·(K+1))⌉ for the k-d forest, else nil).
        public var stepsPerRebuild: Double?
        /// The index's own size in bytes at the end, and its counters.
        public var indexBytes: Int
        public var counters: IndexCounters
    }

    /// Runs `kind` at every size in `sizes` on `workload`, reporting progress lines as it goes.
    public static func run(kind: IndexKind, sizes: [Int], workload: Workload = .randomUnit,
                           configuration c: Configuration = Configuration(),
                           progress: (String) -> Void = { _ in }) throws(IndexSettingsError) -> [Result] {
        var results: [Result] = []
        for n in sizes {
            progress("\(kind) \(workload.name) N=\(n): filling memory")
            var g = SeededGenerator(seed: c.seed)
            let memory = MemoryMatrix<Float>(rows: n, width: c.width)
            workload.fill(memory, &g)
            let index = try makeIndex(kind: kind, settings: c.settings, epsilon: Float(1e-6), k: c.neighbours)
            let exact = ExactIndex<Float>(epsilon: 1e-6)
            exact.build(from: memory)
            let clock = ContinuousClock()
            let rebuild = seconds(clock.measure { index.build(from: memory) })
            let rebuildsBefore = index.counters.rebuilds

            let written = min(n, c.heads * (c.neighbours + 1))
            var queries = [Float](repeating: 0, count: c.heads * c.width)
            var found: [[Int]] = [], truth: [[Int]] = []
            var recallSum = 0.0, querySeconds = 0.0, updateSeconds = 0.0
            var order = Array(0..<n)
            for step in 0..<c.steps {
                queries.withUnsafeMutableBufferPointer { q in
                    for j in 0..<c.heads { workload.vector(q.baseAddress! + j * c.width, c.width, &g) }
                }
                querySeconds += seconds(clock.measure {
                    queries.withUnsafeBufferPointer {
                        index.query(batch: $0.baseAddress!, count: c.heads, k: c.neighbours, in: memory, into: &found)
                    }
                })
                queries.withUnsafeBufferPointer {
                    exact.query(batch: $0.baseAddress!, count: c.heads, k: c.neighbours, in: memory, into: &truth)
                }
                for j in 0..<c.heads { recallSum += recall(found[j], truth: truth[j]) }
                // A sparse write: R·(K+1) distinct random rows get new contents (partial Fisher–Yates).
                for r in 0..<written { order.swapAt(r, Int.random(in: r..<n, using: &g)) }
                let rows = Array(order.prefix(written))
                for i in rows { workload.vector(memory.row(i), c.width, &g) }
                updateSeconds += seconds(clock.measure { index.update(rows: rows, in: memory) })
                exact.update(rows: rows, in: memory)
                if (step + 1) % max(1, c.steps / 4) == 0 {
                    progress("\(kind) \(workload.name) N=\(n): step \(step + 1)/\(c.steps), "
                             + "recall@\(c.neighbours) so far \(recallSum / Double((step + 1) * c.heads))")
                }
            }
            let steps = Double(max(1, c.steps))
            results.append(Result(
                index: kind, workload: workload.name, rows: n, width: c.width, neighbours: c.neighbours,
                heads: c.heads, steps: c.steps, recall: recallSum / (steps * Double(c.heads)),
                querySecondsPerStep: querySeconds / steps,
                updateSecondsPerRow: updateSeconds / (steps * Double(max(1, written))),
                updateSecondsPerStep: updateSeconds / steps, rebuildSeconds: rebuild,
                rebuildsDuringRun: index.counters.rebuilds - rebuildsBefore,
                stepsPerRebuild: kind == .kdtree ? (Double(n) / Double(max(1, written))).rounded(.up) : nil,
                indexBytes: index.byteSize, counters: index.counters))
            progress("\(kind) \(workload.name) N=\(n): done")
        }
        return results
    }

    /// recall@K of one answer: the fraction of the exact answer's rows it contains.
    static func recall(_ found: [Int], truth: [Int]) -> Double {
        Double(Set(found).intersection(truth).count) / Double(max(1, truth.count))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    static func writeRandomUnit(_ v: UnsafeMutablePointer<Float>, _ w: Int, _ g: inout SeededGenerator) {
        var sum: Float = 0
        for j in 0..<w { v[j] = g.normal(); sum += v[j] * v[j] }
        let inverse = 1 / sum.squareRoot()
        for j in 0..<w { v[j] *= inverse }
    }
}
