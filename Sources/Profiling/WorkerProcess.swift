import Foundation
import OutputFiles
#if canImport(Glibc)
import Glibc
#endif

/// Runs one worker: this executable re-invoked in a fresh process, single-threaded BLAS, stdout
/// captured (the worker's JSON), stderr passed through (its progress), killed after `timeout` s
/// or when samkit itself is interrupted.
enum WorkerProcess {
    struct Outcome {
        let stdout: Data
        let status: Int32
        let timedOut: Bool
        /// "killed by signal 9" or "exit status 1".
        let how: String
    }

    /// - Throws: the message why the process could not be started.
    static func run(executable: URL, arguments: [String], timeout: Double) throws(WorkerStartError) -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"
        environment["OMP_NUM_THREADS"] = "1"
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw WorkerStartError(reason: "cannot start \(executable.path): \(error.localizedDescription)")
        }
        let pid = process.processIdentifier
        let cleanupToken = TerminationCleanup.shared.add { kill(pid, SIGKILL) }
        defer { TerminationCleanup.shared.remove(cleanupToken) }
        let timedOut = TimeoutFlag()
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + timeout)
        timer.setEventHandler {
            timedOut.set()
            kill(pid, SIGKILL)
        }
        timer.resume()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        let how = process.terminationReason == .uncaughtSignal
            ? "killed by signal \(process.terminationStatus)" : "exit status \(process.terminationStatus)"
        return Outcome(stdout: data, status: process.terminationStatus, timedOut: timedOut.value, how: how)
    }
}

struct WorkerStartError: Error { let reason: String }

private final class TimeoutFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    func set() { lock.lock(); flag = true; lock.unlock() }
    var value: Bool { lock.lock(); defer { lock.unlock() }; return flag }
}
