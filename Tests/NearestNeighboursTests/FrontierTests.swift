import NearestNeighbours
import SAMNumerics
import Testing

/// The frontier's replay: every setting sees the same trace from the same memory.
@Suite struct FrontierTests {
    func setUp(rows: Int) -> (MemoryMatrix<Float>, IndexFrontier.Trace, [Float]) {
        var c = IndexBenchmark.Configuration()
        c.steps = 6
        c.width = 8
        var g = SeededGenerator(seed: 4)
        let memory = MemoryMatrix<Float>(rows: rows, width: c.width)
        IndexBenchmark.Workload.randomUnit.fill(memory, &g)
        let start = Array(memory.storage)
        let trace = IndexFrontier.record(memory: memory, workload: .randomUnit, configuration: c)
        return (memory, trace, start)
    }

    /// Recording and every replay leave the memory bit for bit as it started; the exact index's
    /// recall on its own trace is 1; HNSW yields one point per ef.
    @Test func replaysRestoreTheMemoryAndScoreAgainstOneTruth() throws {
        let (memory, trace, start) = setUp(rows: 300)
        #expect(Array(memory.storage) == start)
        let grid = IndexFrontier.Grid.quick
        for kind in IndexKind.allCases {
            for build in grid.builds(kind, base: IndexSettings()) {
                let points = try IndexFrontier.measure(build, trace: trace, memory: memory, workload: "random-unit")
                #expect(Array(memory.storage) == start, "\(build.label) left the memory changed")
                #expect(points.count == max(1, build.searchEfs.count))
                #expect(points.allSatisfy { (0...1).contains($0.recall) && $0.secondsPerStep > 0 })
                if kind == .exact { #expect(points[0].recall == 1) }
            }
        }
    }

    @Test func operatingPointIsTheFastestReachingTheTarget() throws {
        let (memory, trace, _) = setUp(rows: 200)
        var points: [IndexFrontier.Point] = []
        for build in IndexFrontier.Grid.quick.builds(.hnsw, base: IndexSettings()) {
            points += try IndexFrontier.measure(build, trace: trace, memory: memory, workload: "random-unit")
        }
        let (reached, best) = IndexFrontier.operatingPoint(points, recall: 0, seconds: .infinity)
        #expect(reached?.secondsPerStep == points.map(\.secondsPerStep).min())
        #expect(best?.recall == points.map(\.recall).max())
        #expect(IndexFrontier.operatingPoint(points, recall: 2, seconds: .infinity).reached == nil)
        #expect(IndexFrontier.operatingPoint(points, recall: 0, seconds: 0).bestWithinTime == nil)
    }
}
