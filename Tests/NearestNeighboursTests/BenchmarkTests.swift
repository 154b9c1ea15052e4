import Foundation
import NearestNeighbours
import SAMNumerics
import Testing

@Suite struct BenchmarkTests {
    @Test func smallRunReportsEveryIndexAndEncodes() throws {
        var configuration = IndexBenchmark.Configuration()
        configuration.steps = 20
        var lines: [String] = []
        var results: [IndexBenchmark.Result] = []
        for kind in IndexKind.allCases {
            results += try IndexBenchmark.run(kind: kind, sizes: [64, 300], configuration: configuration) { lines.append($0) }
        }
        #expect(results.count == IndexKind.allCases.count * 2)
        #expect(!lines.isEmpty)
        for r in results {
            #expect(r.recall > 0 && r.recall <= 1)
            #expect(r.querySecondsPerStep > 0 && r.updateSecondsPerRow >= 0 && r.rebuildSeconds > 0)
            #expect(r.counters.queries == 20 * 4 && r.counters.rowsUpdated == 20 * 20)
        }
        // The exact index is its own reference.
        #expect(results.filter { $0.index == .exact }.allSatisfy { $0.recall == 1 })
        // N = 64 with 20 rows per step: the 4th step's insertions reach N, so 20 steps → 5 rebuilds.
        let forest = results.first { $0.index == .kdtree && $0.rows == 64 }
        #expect(forest?.rebuildsDuringRun == 5 && forest?.stepsPerRebuild == 4)
        let json = try JSONEncoder().encode(results)
        #expect(try JSONDecoder().decode([IndexBenchmark.Result].self, from: json).count == results.count)
    }

    @Test func suppliedWorkloadIsUsed() throws {
        var configuration = IndexBenchmark.Configuration()
        configuration.steps = 5
        let workload = IndexBenchmark.Workload.supplied(name: "constant") { memory, _ in
            for i in 0..<memory.storage.count { memory.storage[i] = 1 }
        }
        let results = try IndexBenchmark.run(kind: .lsh, sizes: [50], workload: workload, configuration: configuration)
        #expect(results.first?.workload == "constant")
    }
}
