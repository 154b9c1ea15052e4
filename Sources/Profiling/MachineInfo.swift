import BuildInfo
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The machine and build a sweep ran on.
public struct MachineInfo: Codable, Sendable, Equatable {
    /// The CPU model (/proc/cpuinfo).
    public let cpuModel: String
    /// Logical CPUs of the machine.
    public let logicalCPUs: Int
    /// Threads the measurements use: always 1 (OPENBLAS_NUM_THREADS=1, FLANN with one core).
    public let threadsUsed: Int
    /// The value of OPENBLAS_NUM_THREADS the workers ran with.
    public let openBLASThreads: String
    /// `debug` or `release`.
    public let buildConfiguration: String
    /// The Swift compiler's version.
    public let swiftVersion: String
    /// The kernel release (uname).
    public let kernel: String
    /// The commit the binary was built from, with `-dirty` if tracked files had uncommitted changes
    /// (embedded at build time, `BuildInfo`); nil outside a repository.
    public let gitCommit: String?
    /// SHA-256 of Sources/ and Package.swift as built (`BuildInfo.sourcesHash`); nil in older files.
    public let sourcesHash: String?
    /// ISO 8601 time the sweep started.
    public let date: String

    /// A record of the machine and the build.
    public init(cpuModel: String, logicalCPUs: Int, threadsUsed: Int, openBLASThreads: String,
                buildConfiguration: String, swiftVersion: String, kernel: String, gitCommit: String?,
                sourcesHash: String? = nil, date: String) {
        self.cpuModel = cpuModel
        self.logicalCPUs = logicalCPUs
        self.threadsUsed = threadsUsed
        self.openBLASThreads = openBLASThreads
        self.buildConfiguration = buildConfiguration
        self.swiftVersion = swiftVersion
        self.kernel = kernel
        self.gitCommit = gitCommit
        self.sourcesHash = sourcesHash
        self.date = date
    }

    /// `debug` or `release`, embedded at build time (`BuildInfo`).
    public static var buildConfiguration: String { BuildInfo.configuration }

    /// The compiler that built this binary (compile-time check, so no toolchain is needed at run time).
    public static var compilerVersion: String {
        #if compiler(>=6.4)
        "6.4 or later"
        #elseif compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #elseif compiler(>=6.1)
        "6.1"
        #else
        "6.0 or earlier"
        #endif
    }

    /// Reads /proc/cpuinfo, uname and the build's embedded provenance (`BuildInfo`).
    public static func current(openBLASThreads: String = "1") -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let kernel = "\(field(name.sysname)) \(field(name.release)) \(field(name.machine))"
        let commit: String? = BuildInfo.commit == "unknown" ? nil : BuildInfo.shortCommit
        let hash: String? = BuildInfo.sourcesHash == "unknown" ? nil : BuildInfo.sourcesHash
        let formatter = ISO8601DateFormatter()
        return MachineInfo(cpuModel: model, logicalCPUs: ProcessInfo.processInfo.activeProcessorCount, threadsUsed: 1,
                           openBLASThreads: openBLASThreads, buildConfiguration: buildConfiguration,
                           swiftVersion: "Swift \(compilerVersion) (compiler of this binary)", kernel: kernel,
                           gitCommit: commit, sourcesHash: hash, date: formatter.string(from: Date()))
    }

    /// Runs a command found on PATH; its trimmed stdout, or nil if it fails.
    static func run(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
