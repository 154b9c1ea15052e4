import NearestNeighbours
import SAMNumerics
import Testing

@Suite struct SettingsTests {
    func error(_ kind: IndexKind, _ settings: IndexSettings, k: Int = 4) -> IndexSettingsError? {
        do {
            _ = try makeIndex(kind: kind, settings: settings, epsilon: Double(1e-6), k: k)
            return nil
        } catch {
            return error
        }
    }

    func field(_ e: IndexSettingsError?) -> String? {
        guard case let .outOfRange(field, _, _)? = e else { return nil }
        return field
    }

    @Test(arguments: [IndexKind.kdtree, .lsh])
    func badParametersNameTheField(kind: IndexKind) {
        #expect(field(error(kind, IndexSettings(trees: 0))) == "trees")
        #expect(field(error(kind, IndexSettings(checks: 3), k: 4)) == "checks")
        #expect(field(error(kind, IndexSettings(lshBits: 0))) == "lshBits")
        #expect(field(error(kind, IndexSettings(lshBits: 65))) == "lshBits")
        #expect(field(error(kind, IndexSettings(lshTables: 0))) == "lshTables")
        #expect(error(kind, IndexSettings(checks: 4, lshTables: 1, lshBits: 64), k: 4) == nil)
        #expect(error(kind, IndexSettings(lshBits: 1)) == nil)
        #expect(error(kind, IndexSettings(checks: 3))?.description.contains("checks = 3") == true)
    }

    @Test func factoryBuildsEachKind() throws {
        for kind in IndexKind.allCases {
            let index = try makeIndex(kind: kind, settings: IndexSettings(), epsilon: Float(1e-6), k: 4)
            #expect(index.kind == kind)
        }
    }

    /// The paper's policy: a rebuild once N rows have been inserted since the last build.
    @Test func kdForestRebuildsAfterNInsertions() {
        var g = SeededGenerator(seed: 5)
        let n = 64
        let memory: MemoryMatrix<Double> = Support.uniformMemory(rows: n, width: 8, &g)
        let index = KDForestIndex<Double>(settings: IndexSettings(), epsilon: 1e-6)
        index.build(from: memory)
        #expect(index.counters.rebuilds == 1)
        for step in 0..<3 {
            let rows = Array((step * 20)..<(step * 20 + 20))
            for i in rows { for j in 0..<8 { memory.row(i)[j] = g.uniform(1) } }
            index.update(rows: rows, in: memory)
        }
        #expect(index.counters.rebuilds == 1)  // 60 insertions < N
        index.update(rows: [1, 2, 3, 4], in: memory)
        #expect(index.counters.rebuilds == 2)  // 64 = N
        #expect(index.counters.rowsUpdated == 64)
        #expect(index.byteSize > n * 9 * 8)
        _ = Support.query(index, [1, 0, 0, 0, 0, 0, 0, 0], k: 4, memory)
        #expect(index.counters.queries == 1)
        #expect(index.counters.distanceEvaluations > 0)
    }
}
