import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One bad input: a command line run in a fresh folder holding `files`, and what must happen.
///
/// Arguments may name the files by their relative names (the folder is the working directory).
struct Probe: Sendable, CustomStringConvertible {
    /// Which item of the input surface it probes: option, case file, baseline, measurements.
    let area: String
    let arguments: [String]
    /// Files written into the working folder before the run (name → bytes).
    var files: [String: Data] = [:]
    /// The exit code the convention demands (README "Exit codes"): 2 for every bad input here.
    var exitCode: Int32 = 2
    /// Text the message must contain (case-insensitive): the option or field named.
    let field: String
    /// The branch whose issue owns this input's validation when it is not issue 13's (listed in the
    /// report so a failure here is read as "not merged yet", not as a regression).
    var owner: String? = nil
    /// What was broken in the input file, for the report ("configuration.hidden = 2^62").
    var detail: String = ""

    var description: String { "[\(area)] samkit \(arguments.joined(separator: " "))\(detail.isEmpty ? "" : " with \(detail)")" }
}

/// What a run of the release binary did.
struct ProbeOutcome {
    let exitCode: Int32
    let signalled: Bool
    let timedOut: Bool
    let stderr: String
    let stdout: String
    /// Files of the working folder that appeared, disappeared or changed.
    let changedFiles: [String]
}

/// Runs probes against the binary named by the environment variable `SAMKIT_BINARY`, each in a
/// fresh temporary folder as its working directory, under a 4 GiB address-space cap and a 20 s limit.
enum ProbeRunner {
    static let binary = ProcessInfo.processInfo.environment["SAMKIT_BINARY"]
    static let timeLimit = 20.0

    /// Text that must never reach a user: traps, backtraces, Foundation domains, decoder dumps.
    static let forbidden = ["Fatal error", "Backtrac", "crashed", "NSCocoaErrorDomain", "Swift.", "Dictionary<",
                            "Expected to decode", "Cannot initialize", "CommandError(", "DecodingError", "codingPath"]

    static func run(_ probe: Probe) throws -> ProbeOutcome {
        guard let binary else { throw ProbeSetupError(reason: "SAMKIT_BINARY is not set") }
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("samkit-bad-input-\(UUID().uuidString)")
        let folder = root.appendingPathComponent("work"), logs = root.appendingPathComponent("logs")
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        try fm.createDirectory(at: logs, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: root) }
        for (name, data) in probe.files {
            let url = folder.appendingPathComponent(name)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        let before = snapshot(folder)
        let errURL = logs.appendingPathComponent("stderr"), outURL = logs.appendingPathComponent("stdout")
        fm.createFile(atPath: errURL.path, contents: nil)
        fm.createFile(atPath: outURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -v 4194304; exec \"$0\" \"$@\"", binary] + probe.arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"
        process.environment = environment
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeLimit)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        let timedOut = process.isRunning
        // SIGKILL: a child of the test runner may inherit a blocked SIGTERM (seen: terminate() left it running).
        if timedOut { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        let after = snapshot(folder)
        let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
        return ProbeOutcome(exitCode: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                            timedOut: timedOut, stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "",
                            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                            changedFiles: changed)
    }

    /// Every file under `folder` (relative path → bytes).
    static func snapshot(_ folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        guard let walk = FileManager.default.enumerator(atPath: folder.path) else { return files }
        while let name = walk.nextObject() as? String {
            let path = folder.appendingPathComponent(name).path
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            files[name] = isDirectory.boolValue ? Data("<folder>".utf8) : (FileManager.default.contents(atPath: path) ?? Data())
        }
        return files
    }
}

struct ProbeSetupError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}
