import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What to undo when SIGINT or SIGTERM arrives: temporary folders to remove, child processes to
/// kill, locks to release. `install()` routes both signals to one handler that runs every
/// registered action (last registered first) and exits with 128 + the signal number, so an
/// interrupted run leaves no temporary file behind.
public final class TerminationCleanup: @unchecked Sendable {
    public static let shared = TerminationCleanup()

    private let lock = NSLock()
    private var actions: [Int: @Sendable () -> Void] = [:]
    private var nextToken = 0
    private var sources: [DispatchSourceSignal] = []
    /// Set once a signal is being handled; `ReportTransaction.write` checks it under `critical`.
    private var terminating = false
    /// Held by `ReportTransaction` while it takes its lock and while it writes and swaps a report,
    /// and taken by the handler before any cleanup, so a cleanup never races a write.
    public let critical = NSLock()

    /// Routes SIGINT and SIGTERM to the cleanup handler (idempotent).
    public func install() {
        lock.lock(); defer { lock.unlock() }
        guard sources.isEmpty else { return }
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [unowned self] in self.terminate(signal: sig) }
            source.resume()
            sources.append(source)
        }
    }

    /// Registers an action; returns a token for `remove`.
    @discardableResult
    public func add(_ action: @escaping @Sendable () -> Void) -> Int {
        lock.lock(); defer { lock.unlock() }
        nextToken += 1
        actions[nextToken] = action
        return nextToken
    }

    public func remove(_ token: Int) {
        lock.lock(); defer { lock.unlock() }
        actions[token] = nil
    }

    /// Whether a signal is being handled (read under `critical`).
    public var isTerminating: Bool {
        lock.lock(); defer { lock.unlock() }
        return terminating
    }

    private func terminate(signal sig: Int32) {
        critical.lock()          // never released: the process exits below
        lock.lock()
        terminating = true
        let pending = actions.sorted { $0.key > $1.key }.map(\.value)
        actions = [:]
        lock.unlock()
        for action in pending { action() }
        FileHandle.standardError.write(Data("\nsamkit: interrupted by signal \(sig); temporary files removed\n".utf8))
        _exit(128 + sig)
    }
}
