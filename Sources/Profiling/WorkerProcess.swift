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

extension WorkerProcess {
    /// Runs a worker for one model at one N and decodes its JSON `Output`; `read` gives the value
    /// or the worker's error message. Every failure is a `workerFailed` naming the model, N and why.
    static func result<Output: Decodable, Value>(_: Output.Type, executable: URL, arguments: [String], timeout: Double,
                                                 model: String, size: Int,
                                                 read: (Output) -> (value: Value?, error: String?)) throws(ProfilingError) -> Value {
        let outcome: Outcome
        do { outcome = try run(executable: executable, arguments: arguments, timeout: timeout) } catch {
            throw .workerFailed(model: model, size: size, reason: error.reason)
        }
        if outcome.timedOut {
            throw .workerFailed(model: model, size: size, reason: "killed after the \(Int(timeout)) s time limit")
        }
        if let output = try? JSONCoding.decoder.decode(Output.self, from: outcome.stdout) {
            let (value, error) = read(output)
            if let value, outcome.status == 0 { return value }
            throw .workerFailed(model: model, size: size, reason: error ?? outcome.how)
        }
        throw .workerFailed(model: model, size: size, reason: "\(outcome.how), no result on stdout")
    }
}

private final class TimeoutFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    func set() { lock.lock(); flag = true; lock.unlock() }
    var value: Bool { lock.lock(); defer { lock.unlock() }; return flag }
}
