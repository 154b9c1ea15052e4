import Foundation
import Testing
import OutputFiles
@testable import Profiling
#if canImport(Glibc)
import Glibc
#endif

/// Report folders are replaced whole (issue 11, item 6).
@Suite(.serialized) struct ReportFolderTests {
    /// The samkit executable built beside this test bundle.
    static var samkit: URL {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("samkit")
    }

    /// A tiny report: DAM at four sizes, one process of one segment of one step.
    static let tinyReport = ["report", "--models", "dam", "--sizes", "64,128,256,512", "--steps", "1",
                             "--repeats", "1", "--warmup", "0", "--processes", "1"]

    static func start(_ arguments: [String]) throws -> Process {
        let p = Process()
        p.executableURL = samkit
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"
        p.environment = environment
        try p.run()
        return p
    }

    /// A folder is complete when its measurements, fits and Markdown come from one run.
    static func isComplete(_ folder: URL) -> Bool {
        guard let m = try? MeasurementSet.load(from: folder.appendingPathComponent("measurements.json")),
              let data = try? Data(contentsOf: folder.appendingPathComponent("scaling.json")),
              let report = try? JSONCoding.decoder.decode(ScalingReport.self, from: data),
              let md = try? String(contentsOf: folder.appendingPathComponent("scaling.md"), encoding: .utf8) else { return false }
        return report.measurements == m && md.contains(m.machine.date)
            && md.contains("sweep time | \(ProgressLine.duration(m.sweepSeconds))")
    }

    /// A second transaction on a folder someone holds is refused with the named error.
    @Test func concurrentRunIsRefused() throws {
        let root = ProfilingTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("report")
        let first = try ReportTransaction(target: target)
        #expect(throws: ReportFolderError.busy(path: target.path, holder: getpid())) { _ = try ReportTransaction(target: target) }
        try first.write { try AtomicFile.write("new", to: $0.appendingPathComponent("a.txt")) }
        #expect(try String(contentsOf: target.appendingPathComponent("a.txt"), encoding: .utf8) == "new")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["report"])
        // Released: the next one may go, and files it does not write are kept.
        let second = try ReportTransaction(target: target)
        try second.write { try AtomicFile.write("b", to: $0.appendingPathComponent("b.txt")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).sorted() == ["a.txt", "b.txt"])
        // A write that fails midway leaves the target as it was, and nothing beside it.
        struct Midway: Error {}
        let third = try ReportTransaction(target: target)
        #expect(throws: Midway.self) {
            try third.write { staging in
                try AtomicFile.write("changed", to: staging.appendingPathComponent("a.txt"))
                throw Midway()
            }
        }
        #expect(try String(contentsOf: target.appendingPathComponent("a.txt"), encoding: .utf8) == "new")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["report"])
    }

    /// Kills a tiny report run at 20 random moments (SIGTERM or SIGINT): every time the folder holds
    /// the old complete report or a new complete one, and nothing temporary is left beside it.
    @Test func killedRunsLeaveACompleteFolder() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.samkit.path), "build samkit first")
        let root = ProfilingTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("report")
        let arguments = Self.tinyReport + ["--out", target.path]
        let t0 = Date()
        let full = try Self.start(arguments)
        full.waitUntilExit()
        let duration = Date().timeIntervalSince(t0)
        #expect(full.terminationStatus == 0)
        #expect(Self.isComplete(target))
        var rng = SystemRandomNumberGenerator()
        var interrupted = 0
        for i in 0..<20 {
            let run = try Self.start(arguments)
            usleep(UInt32(Double.random(in: 0...(1.1 * duration), using: &rng) * 1e6))
            if run.isRunning { interrupted += 1 }
            kill(run.processIdentifier, i % 2 == 0 ? SIGTERM : SIGINT)
            run.waitUntilExit()
            #expect(Self.isComplete(target), "moment \(i): incomplete folder")
            let left = try FileManager.default.contentsOfDirectory(atPath: root.path)
            #expect(left == ["report"], "moment \(i): leftovers \(left)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).allSatisfy { !$0.hasPrefix(".") })
        }
        print("killed report runs: \(interrupted) of 20 interrupted mid-run (full run \(String(format: "%.1f", duration)) s)")
        #expect(interrupted >= 10)
    }
}
