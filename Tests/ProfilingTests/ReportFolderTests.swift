import Foundation
import Testing
import OutputFiles
import SAMNumerics
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

    /// Kills a tiny report run at seeded random moments (SIGTERM or SIGINT) until 20 kills have landed
    /// mid-run: every time the folder holds the old complete report or a new complete one, and nothing
    /// temporary is left beside it. A kill that comes after the run finished checks the same and is
    /// retried, so the number of mid-run kills does not depend on the machine's load (at most 60 runs).
    @Test func killedRunsLeaveACompleteFolder() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.samkit.path), "build samkit first")
        let root = ProfilingTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("report")
        let arguments = Self.tinyReport + ["--out", target.path]
        let t0 = Date()
        let full = try Self.start(arguments)
        full.waitUntilExit()
        // The shortest run seen so far: kill moments are drawn below it, so most land mid-run.
        var shortest = Date().timeIntervalSince(t0)
        #expect(full.terminationStatus == 0)
        #expect(Self.isComplete(target))
        var rng = SeededGenerator(seed: 20261128)
        var interrupted = 0, attempts = 0
        while interrupted < 20 && attempts < 60 {
            let started = Date()
            let run = try Self.start(arguments)
            usleep(UInt32(Double.random(in: 0...(0.9 * shortest), using: &rng) * 1e6))
            let midRun = run.isRunning
            kill(run.processIdentifier, attempts % 2 == 0 ? SIGTERM : SIGINT)
            run.waitUntilExit()
            if midRun { interrupted += 1 } else { shortest = min(shortest, Date().timeIntervalSince(started)) }
            #expect(Self.isComplete(target), "attempt \(attempts): incomplete folder")
            let left = try FileManager.default.contentsOfDirectory(atPath: root.path)
            #expect(left == ["report"], "attempt \(attempts): leftovers \(left)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).allSatisfy { !$0.hasPrefix(".") })
            attempts += 1
        }
        print("killed report runs: \(interrupted) mid-run kills in \(attempts) runs (shortest full run \(String(format: "%.1f", shortest)) s)")
        #expect(interrupted >= 20)
    }
}
