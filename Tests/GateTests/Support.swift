import Foundation
@testable import Gate

/// The repository's committed baseline.
let baselinePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("reports/baseline.json").path

/// Unit tests never assert timings: they run the counters, work counters and gradient checks
/// (timing and memory off). Allocation counts need the counter linked into samkit, so they are
/// covered by running the binary.
/// `cases` caps every gradient check's quick case count (a debug build runs each case slowly);
/// `settled` stops a check at its first failing case, as `--power`'s injected runs do; `small`
/// compares the work counters at 2^10 only and fits growth over 2^10 and 2^12 (an injected O(N)
/// loop already differs there; a debug build runs an O(N) loop at 2^16 slowly).
func run(_ injection: Injection?, only: String? = nil, allowSkipped: Bool = false, cases: Int? = nil,
         settled: Bool = false, small: Bool = false) throws -> GateRun {
    var baseline = try Baseline.load(path: baselinePath)
    if let cases { for i in baseline.gradients.indices { baseline.gradients[i].quickCases = min(baseline.gradients[i].quickCases, cases) } }
    if small {
        for i in baseline.work.indices { baseline.work[i].compareSizes = [1 << 10] }
        for i in baseline.complexity.indices { baseline.complexity[i].sizes = [1 << 10, 1 << 12] }
    }
    var options = GateOptions(quick: true, injection: injection, timing: false, memory: false, allowSkipped: allowSkipped,
                              only: only)
    options.stopWhenSettled = settled
    return try GateRunner(baseline: baseline, options: options).run()
}

/// The samkit binary of this build, next to the test bundle (swift test builds it too).
func samkitBinary() -> URL? {
    guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
    var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("samkit")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return nil
}

func runSamkit(_ binary: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = binary
    p.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["OPENBLAS_NUM_THREADS"] = "1"
    p.environment = environment
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A fresh temporary folder, removed by the caller.
func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gate-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}
