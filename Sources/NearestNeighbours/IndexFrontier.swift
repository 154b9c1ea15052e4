import SAMNumerics

/// `samkit index-bench --frontier`: recall@K against query-plus-update time per step, for every index
/// over a grid of its settings, on one memory.
///
/// **Trace.** For a memory (N x W, Float) the frontier first records a seeded trace of `steps` steps
/// (`IndexBenchmark`'s step: R random unit queries, then a sparse write of R·(K+1) distinct random rows
/// with new workload vectors) together with the exact index's answers at every step (untimed). Every
/// setting then replays the same trace on the same starting memory, so recall is scored against one
/// truth and all points see identical work.
///
/// **A point.** An index is built once per build setting (its build time reported apart); then, for
/// each search setting (HNSW's ef; the k-d forest's checks and LSH's tables × bits are build settings),
/// the trace is replayed: the R queries of a step are timed and scored, the step's rows are written
/// and the index's `update` is timed. After a replay the written rows are restored in reverse order
/// and the index is updated with them (untimed), so the next search setting starts from the starting
/// memory with the index holding it.
public enum IndexFrontier {
    /// One setting of one index: the settings used and a short label (e.g. "checks 256").
    public struct Setting: Codable, Sendable, Equatable {
        public var kind: IndexKind
        public var settings: IndexSettings
        public var label: String
    }

    /// Settings sharing one build: the k-d forest and LSH have one search setting per build; HNSW sweeps ef.
    public struct Build: Sendable {
        public var kind: IndexKind
        public var settings: IndexSettings
        public var label: String
        /// HNSW's ef values swept on this build (empty for the other kinds).
        public var searchEfs: [Int]
    }

    /// The grid of settings.
    public struct Grid: Codable, Sendable {
        public var checks: [Int]
        public var lshTables: [Int]
        public var lshBits: [Int]
        public var hnswLinks: [Int]
        public var hnswSearchEfs: [Int]
        public var hnswConstructionEf: Int
        public var trees = 4

        /// The full grid: checks 32...4096, LSH 4–16 tables × 8–16 bits, HNSW M 8 and 16 × ef 8...256 with
        /// efConstruction 24 (hnswlib's insertion is the slowest build: ~1 minute per graph at N = 2^20 on
        /// one core, and a replacement costs an insertion's search, so a small efConstruction keeps updates cheap).
        public static let full = Grid(checks: [32, 64, 128, 256, 512, 1024, 2048, 4096], lshTables: [4, 8, 16],
                                      lshBits: [8, 12, 16], hnswLinks: [8, 16], hnswSearchEfs: [8, 16, 32, 64, 128, 256],
                                      hnswConstructionEf: 24)
        /// The grid actually run at `rows` words: the full grid up to 2^16; above, HNSW M 8 only with ef
        /// 16, 64, 256, and four checks values (32, 128, 512, 2048). At N = 2^20 an hnswlib graph takes about
        /// a minute to build per M and its replacements dominate the replay, and every forest is rebuilt per
        /// checks value; the full grid did not finish in 13 minutes (`make frontier`, issue 14).
        public func bounded(rows: Int) -> Grid {
            guard rows > Self.boundedAbove, self.checks == Self.full.checks else { return self }
            var g = self
            g.checks = [32, 128, 512, 2048]
            g.hnswLinks = [8]
            g.hnswSearchEfs = [16, 64, 256]
            return g
        }
        /// Sizes above this run the bounded grid.
        public static let boundedAbove = 1 << 16
        /// A smoke-test grid.
        public static let quick = Grid(checks: [32, 512, 4096], lshTables: [4, 16], lshBits: [8, 12], hnswLinks: [8, 16],
                                       hnswSearchEfs: [8, 64], hnswConstructionEf: 32)

        /// The builds of `kind` in this grid, over `base` settings (seed and the other kinds' fields).
        public func builds(_ kind: IndexKind, base: IndexSettings) -> [Build] {
            switch kind {
            case .exact:
                return [Build(kind: .exact, settings: base, label: "scan", searchEfs: [])]
            case .kdtree, .kdtreeCompact:
                return checks.map { c in
                    var s = base; s.trees = trees; s.checks = c
                    return Build(kind: kind, settings: s, label: "\(trees) trees, checks \(c)", searchEfs: [])
                }
            case .lsh:
                return lshTables.flatMap { l in lshBits.map { b in
                    var s = base; s.lshTables = l; s.lshBits = b
                    return Build(kind: .lsh, settings: s, label: "\(l) tables × \(b) bits", searchEfs: [])
                } }
            case .hnsw:
                return hnswLinks.map { m in
                    var s = base; s.hnswLinks = m; s.hnswConstructionEf = max(m, hnswConstructionEf)
                    return Build(kind: .hnsw, settings: s, label: "M \(m), efC \(s.hnswConstructionEf)", searchEfs: hnswSearchEfs)
                }
            }
        }
    }

    /// A recorded trace: per step R queries, the written rows with their new contents, and the exact answers.
    public struct Trace {
        public let steps: Int, heads: Int, neighbours: Int, width: Int, written: Int
        var queries: [Float] = []      // steps x R x W
        var rows: [Int] = []           // steps x written
        var contents: [Float] = []     // steps x written x W
        var truth: [[Int]] = []        // (steps·R) answers
    }

    /// One measured point. Times are seconds (single-threaded wall time).
    public struct Point: Codable, Sendable, Equatable {
        public var setting: Setting
        public var workload: String
        public var rows: Int
        /// Steps replayed (fewer than the trace's when a time budget stopped the replay).
        public var steps: Int
        /// Mean recall@K against the exact index over steps·R queries.
        public var recall: Double
        public var querySecondsPerStep: Double
        public var updateSecondsPerStep: Double
        public var secondsPerStep: Double { querySecondsPerStep + updateSecondsPerStep }
        /// The build this point's index came from (shared by HNSW's ef values).
        public var buildSeconds: Double
        public var indexBytes: Int
        /// Distances the index evaluated per query (its counter; the k-d forest's excludes FLANN's walk).
        public var distancesPerQuery: Double
    }

    /// Records the trace on `memory` (left unchanged): seeded queries and writes, exact answers.
    public static func record(memory: MemoryMatrix<Float>, workload: IndexBenchmark.Workload,
                              configuration c: IndexBenchmark.Configuration,
                              progress: (String) -> Void = { _ in }) -> Trace {
        let n = memory.rows, w = c.width
        var trace = Trace(steps: c.steps, heads: c.heads, neighbours: c.neighbours, width: w,
                          written: min(n, c.heads * (c.neighbours + 1)))
        var g = SeededGenerator(seed: c.seed &+ 101)
        let exact = ExactIndex<Float>(epsilon: 1e-6)
        exact.build(from: memory)
        var order = Array(0..<n), answers: [[Int]] = []
        trace.queries = Array(repeating: 0, count: c.steps * c.heads * w)
        trace.contents = Array(repeating: 0, count: c.steps * trace.written * w)
        var saved: [Float] = []
        for step in 0..<c.steps {
            trace.queries.withUnsafeMutableBufferPointer { q in
                let base = q.baseAddress! + step * c.heads * w
                for j in 0..<c.heads { workload.vector(base + j * w, w, &g) }
                exact.query(batch: base, count: c.heads, k: c.neighbours, in: memory, into: &answers)
            }
            trace.truth += answers
            for r in 0..<trace.written { order.swapAt(r, Int.random(in: r..<n, using: &g)) }
            let rows = Array(order.prefix(trace.written))
            trace.rows += rows
            trace.contents.withUnsafeMutableBufferPointer { v in
                for r in rows.indices { workload.vector(v.baseAddress! + (step * trace.written + r) * w, w, &g) }
            }
            for i in rows { saved.append(contentsOf: UnsafeBufferPointer(start: memory.row(i), count: w)) }
            apply(trace, step: step, to: memory)
            exact.update(rows: rows, in: memory)
            if (step + 1) % max(1, c.steps / 4) == 0 { progress("recording N=\(n): step \(step + 1)/\(c.steps)") }
        }
        // Back to the starting memory.
        for step in stride(from: c.steps - 1, through: 0, by: -1) {
            for r in stride(from: trace.written - 1, through: 0, by: -1) {
                let i = trace.rows[step * trace.written + r], from = (step * trace.written + r) * w
                for j in 0..<w { memory.row(i)[j] = saved[from + j] }
            }
        }
        return trace
    }

    /// Writes step `step`'s new contents into their rows.
    static func apply(_ trace: Trace, step: Int, to memory: MemoryMatrix<Float>) {
        let w = trace.width
        for r in 0..<trace.written {
            let i = trace.rows[step * trace.written + r], from = (step * trace.written + r) * w
            for j in 0..<w { memory.row(i)[j] = trace.contents[from + j] }
        }
    }

    /// Measures every search setting of `build` by replaying `trace` on `memory` (restored after each replay).
    /// With `budgetSeconds`, a replay stops after the first step at which its query + update time exceeds
    /// the budget (the point then reports the steps it measured).
    public static func measure(_ build: Build, trace: Trace, memory: MemoryMatrix<Float>, workload: String,
                               budgetSeconds: Double? = nil,
                               progress: (String) -> Void = { _ in }) throws(IndexSettingsError) -> [Point] {
        let index = try makeIndex(kind: build.kind, settings: build.settings, epsilon: Float(1e-6), k: trace.neighbours)
        let clock = ContinuousClock()
        let buildSeconds = IndexBenchmark.seconds(clock.measure { index.build(from: memory) })
        let w = trace.width, rowsPerStep = trace.written
        var points: [Point] = []
        for ef in build.searchEfs.isEmpty ? [nil] : build.searchEfs.map(Optional.some) {
            var setting = Setting(kind: build.kind, settings: build.settings, label: build.label)
            if let ef, let hnsw = index as? HNSWIndex<Float> {
                hnsw.searchEf = ef
                setting.settings.hnswSearchEf = ef
                setting.label += ", ef \(ef)"
            }
            progress("\(build.kind) \(workload) N=\(memory.rows): \(setting.label)")
            let distancesBefore = index.counters.distanceEvaluations, queriesBefore = index.counters.queries
            var found: [[Int]] = [], recallSum = 0.0, querySeconds = 0.0, updateSeconds = 0.0, saved: [Float] = []
            saved.reserveCapacity(trace.steps * rowsPerStep * w)
            var replayed = 0
            for step in 0..<trace.steps {
                if let budgetSeconds, querySeconds + updateSeconds > budgetSeconds { break }
                replayed += 1
                trace.queries.withUnsafeBufferPointer { q in
                    let base = q.baseAddress! + step * trace.heads * w
                    querySeconds += IndexBenchmark.seconds(clock.measure {
                        index.query(batch: base, count: trace.heads, k: trace.neighbours, in: memory, into: &found)
                    })
                }
                for j in 0..<trace.heads {
                    recallSum += IndexBenchmark.recall(found[j], truth: trace.truth[step * trace.heads + j])
                }
                let rows = Array(trace.rows[(step * rowsPerStep)..<((step + 1) * rowsPerStep)])
                for i in rows { saved.append(contentsOf: UnsafeBufferPointer(start: memory.row(i), count: w)) }
                apply(trace, step: step, to: memory)
                updateSeconds += IndexBenchmark.seconds(clock.measure { index.update(rows: rows, in: memory) })
            }
            let queries = index.counters.queries - queriesBefore
            let distances = index.counters.distanceEvaluations - distancesBefore
            // Undo the replay: restore the rows in reverse and let the index follow (untimed).
            for step in stride(from: replayed - 1, through: 0, by: -1) {
                let rows = Array(trace.rows[(step * rowsPerStep)..<((step + 1) * rowsPerStep)])
                for (r, i) in rows.enumerated().reversed() {
                    let from = (step * rowsPerStep + r) * w
                    for j in 0..<w { memory.row(i)[j] = saved[from + j] }
                }
                index.update(rows: rows, in: memory)
            }
            let steps = Double(max(1, replayed))
            points.append(Point(setting: setting, workload: workload, rows: memory.rows, steps: replayed,
                                recall: recallSum / (steps * Double(trace.heads)),
                                querySecondsPerStep: querySeconds / steps, updateSecondsPerStep: updateSeconds / steps,
                                buildSeconds: buildSeconds, indexBytes: index.byteSize,
                                distancesPerQuery: Double(distances) / Double(max(1, queries))))
        }
        return points
    }

    /// The operating point for a target: the fastest point reaching `recall` within `seconds` per step,
    /// or nil; and the best recall among points within `seconds` per step.
    public static func operatingPoint(_ points: [Point], recall: Double, seconds: Double)
        -> (reached: Point?, bestWithinTime: Point?) {
        let inTime = points.filter { $0.secondsPerStep <= seconds }
        let reached = inTime.filter { $0.recall >= recall }.min { $0.secondsPerStep < $1.secondsPerStep }
        let best = inTime.max { $0.recall < $1.recall || ($0.recall == $1.recall && $0.secondsPerStep > $1.secondsPerStep) }
        return (reached, best)
    }
}
