import Foundation
import Testing
@testable import Gate

@Suite("gate: the samkit binary (allocation counter, exit codes, files)", .enabled(if: samkitBinary() != nil))
struct GateBinaryTests {
    @Test func allocationPerStepIsCaughtAndFilesAreWritten() throws {
        let binary = try #require(samkitBinary())
        // Allocation counts depend on the build (debug allocates more), so this test first records
        // this build's allocation counters (an accepted change of the committed figure), then checks
        // calm and power against them. Only SAM (exact) and DAM: in a debug build FLANN's path allocates a varying amount.
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let baseline = folder.appendingPathComponent("baseline.json").path
        try FileManager.default.copyItem(atPath: baselinePath, toPath: baseline)
        let names = ["sam-exact allocations-per-step @N=2^12", "dam allocations-per-step @N=2^12"]
        let common = ["gate", "--baseline", baseline, "--quick", "--no-timing", "--no-memory", "--only", names.joined(separator: ",")]
        var update = common + ["--update"]
        for n in names { update += ["--accept-regression", n, "--reason", "debug build"] }
        let first = try runSamkit(binary, update)
        #expect(first.status == 0, "\(first.output)")
        let clean = try runSamkit(binary, common)
        #expect(clean.status == 0, "\(clean.output)")
        let junit = folder.appendingPathComponent("gate.xml").path, report = folder.appendingPathComponent("gate.md").path
        let injected = try runSamkit(binary, common + ["--inject", "allocate-per-step", "--report", report, "--junit", junit])
        #expect(injected.status == 1, "\(injected.output)")
        #expect(injected.output.contains("regressions: sam-exact allocations-per-step"), "\(injected.output)")
        #expect(try String(contentsOfFile: report, encoding: .utf8).contains("**sam-exact allocations-per-step @N=2^12**"))
        #expect(try String(contentsOfFile: junit, encoding: .utf8).contains("<failure"))
    }

    @Test func usageErrorsExit2() throws {
        let binary = try #require(samkitBinary())
        let missing = try runSamkit(binary, ["gate", "--baseline", "/nonexistent/b.json", "--no-timing"])
        #expect(missing.status == 2 && missing.output.contains("--init"), "\(missing.output)")
        let badInjection = try runSamkit(binary, ["gate", "--baseline", baselinePath, "--inject", "nonsense"])
        #expect(badInjection.status == 2 && badInjection.output.contains("usage-scan"), "\(badInjection.output)")
        let unpaired = try runSamkit(binary, ["gate", "--baseline", baselinePath, "--update", "--accept-regression", "x"])
        #expect(unpaired.status == 2 && unpaired.output.contains("--reason"), "\(unpaired.output)")
        let unknown = try runSamkit(binary, ["gate", "--no-such-option"])
        #expect(unknown.status == 2, "\(unknown.output)")
        let initOver = try runSamkit(binary, ["gate", "--init", "--baseline", baselinePath])
        #expect(initOver.status == 2 && initOver.output.contains("--update"), "\(initOver.output)")
    }
}
