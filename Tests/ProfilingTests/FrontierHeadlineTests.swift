import Foundation
@testable import NearestNeighbours
import Profiling
import Testing

/// The Headline's row 7 (issue 14, target 7) read from `index-frontier.json`, and that file's validation.
@Suite struct FrontierHeadlineTests {
    static let hash = "0123456789abcdef"

    static func point(_ kind: IndexKind, _ label: String, workload: String = "sam-written", rows: Int = 1 << 20,
                      recall: Double, milliseconds: Double) -> IndexFrontier.Point {
        IndexFrontier.Point(setting: .init(kind: kind, settings: IndexSettings(), label: label), workload: workload,
                            rows: rows, steps: 100, recall: recall, querySecondsPerStep: milliseconds * 0.8e-3,
                            updateSecondsPerStep: milliseconds * 0.2e-3, buildSeconds: 2, indexBytes: 1 << 20,
                            distancesPerQuery: 100)
    }

    static func record(_ points: [IndexFrontier.Point], hash: String = hash) -> FrontierRecord {
        FrontierRecord(command: "samkit index-bench --frontier", gitCommit: "abc1234", sourcesHash: hash,
                       date: "2026-11-28T00:00:00Z", steps: 100, points: points)
    }

    /// The fixture report of `HeadlineTests`, built by sources `hash`, with `frontier`.
    static func report(_ frontier: FrontierRecord?) throws -> ScalingReport {
        var report = try HeadlineTests.report()
        let m = report.measurements
        let machine = MachineInfo(cpuModel: "test", logicalCPUs: 2, threadsUsed: 1, openBLASThreads: "1",
                                  buildConfiguration: "debug", swiftVersion: "6", kernel: "test", gitCommit: "abc1234",
                                  sourcesHash: hash, date: "2026-11-28T00:00:00Z")
        let set = MeasurementSet(plan: m.plan, machine: machine, measurements: m.measurements, failures: [], sweepSeconds: 1)
        let over = report.overSteps
        report = ScalingAnalyser().analyse(set)
        report.overSteps = over
        report.frontier = frontier
        return report
    }

    static func row7(_ frontier: FrontierRecord?) throws -> String {
        try HeadlineTests.row(Headline.render(try report(frontier)), "recall@4 ≥ 0.9")
    }

    @Test func metNamesTheFastestSettingThatReachesTheRecall() throws {
        let line = try Self.row7(Self.record([
            Self.point(.kdtree, "4 trees, checks 32", recall: 0.3, milliseconds: 0.2),
            Self.point(.hnsw, "M 8, ef 64", recall: 0.95, milliseconds: 0.6),
            Self.point(.hnsw, "M 8, ef 256", recall: 0.99, milliseconds: 0.9),
            Self.point(.kdtree, "4 trees, checks 2048", recall: 0.97, milliseconds: 3),
        ]))
        #expect(line.contains("hnsw (M 8, ef 64): recall@4 0.950"), "\(line)")
        #expect(line.contains("| met |"), "\(line)")
    }

    @Test func notMetGivesTheBestRecallWithinTheTime() throws {
        let line = try Self.row7(Self.record([
            Self.point(.kdtree, "4 trees, checks 32", recall: 0.3, milliseconds: 0.2),
            Self.point(.kdtree, "4 trees, checks 2048", recall: 0.97, milliseconds: 3),
            // recall 0.95 within the time, but on random memory: not the target's workload
            Self.point(.hnsw, "M 8, ef 64", workload: "random-unit", recall: 0.95, milliseconds: 0.6),
        ]))
        #expect(line.contains("none; best within 1 ms: kdtree (4 trees, checks 32): recall@4 0.300"), "\(line)")
        #expect(line.contains("| **not met** |"), "\(line)")
    }

    @Test func anotherSizeOrOtherSourcesCannotJudge() throws {
        let small = try Self.row7(Self.record([Self.point(.hnsw, "M 8, ef 64", rows: 1 << 14, recall: 0.95, milliseconds: 0.6)]))
        #expect(small.contains("(N = 16384") && small.contains("| inconclusive |"), "\(small)")
        let stale = try Self.row7(Self.record([Self.point(.hnsw, "M 8, ef 64", recall: 0.95, milliseconds: 0.6)], hash: "other"))
        #expect(stale.contains("rerun `make frontier`") && stale.contains("| inconclusive |"), "\(stale)")
        #expect(try Self.row7(nil).contains(Headline.notMeasured))
    }

    @Test func theFileRoundTripsAndABadFieldIsNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("frontier-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(FrontierRecord.fileName)
        let good = Self.record([Self.point(.lsh, "8 tables × 12 bits", recall: 0.5, milliseconds: 0.4)])
        try good.encoded().write(to: url)
        #expect(try FrontierRecord.load(from: url) == good)

        var bad = good
        bad.points[0].recall = 1.5
        try bad.encoded().write(to: url)
        #expect(throws: ProfilingError.invalidMeasurement(field: "index-frontier.json: points[0].recall", value: "1.5", valid: "0...1")) {
            try FrontierRecord.load(from: url)
        }
        try Data("{\"formatVersion\": 1}".utf8).write(to: url)
        do {
            _ = try FrontierRecord.load(from: url)
            Issue.record("a file without points was accepted")
        } catch {
            #expect("\(error)".contains("not a samkit index-frontier file"), "\(error)")
        }
    }
}
