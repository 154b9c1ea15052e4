import Foundation
@testable import Gate

/// The repository's committed baseline.
let baselinePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("reports/baseline.json").path

/// Unit tests never assert timings: they run the counters, work counters and gradient checks
/// (timing and memory off). Allocation counts need the counter linked into samkit, so they are
/// covered by running the binary.
func run(_ injection: Injection?, only: String? = nil, allowSkipped: Bool = false) throws -> GateRun {
    let baseline = try Baseline.load(path: baselinePath)
    return try GateRunner(baseline: baseline, options: GateOptions(quick: true, injection: injection, timing: false,
                                                                   memory: false, allowSkipped: allowSkipped,
                                                                   only: only)).run()
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
