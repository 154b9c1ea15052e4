import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A report folder replaced whole: `write` builds the files in a staging folder beside the target
/// (`.NAME.tmp-PID`, seeded with a copy of the target's current files) and swaps it with the
/// target in one `renameat2(RENAME_EXCHANGE)`. Taking the lock and the whole of `write` run under
/// `TerminationCleanup.critical`, which the signal handler takes before it removes anything, so a
/// signal never races a write into the staging folder: it waits for the swap, or pre-empts it. A kill at any moment leaves the old
/// complete folder or the new complete one. A lock file `.NAME.lock` (flock) refuses a second
/// concurrent run into the same folder; SIGINT/SIGTERM (`TerminationCleanup`) remove the staging
/// folder and the lock; a later run removes staging folders left by a SIGKILL.
public final class ReportTransaction: @unchecked Sendable {
    public let target: URL
    /// Where this run writes; valid after `stage()`.
    public let staging: URL
    private let lockURL: URL
    private var lockDescriptor: Int32
    private var cleanupToken: Int?

    /// Takes the folder's lock.
    /// - Throws: `ReportFolderError.busy` if another run holds it; `.io` if the lock cannot be made.
    public init(target: URL) throws {
        let target = target.standardizedFileURL
        let parent = target.deletingLastPathComponent(), name = target.lastPathComponent
        self.target = target
        staging = parent.appendingPathComponent(".\(name).tmp-\(getpid())")
        lockURL = parent.appendingPathComponent(".\(name).lock")
        do { try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw ReportFolderError.io(path: parent.path, reason: error.localizedDescription)
        }
        let cleanup = TerminationCleanup.shared
        cleanup.critical.lock()
        defer { cleanup.critical.unlock() }
        lockDescriptor = open(lockURL.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockDescriptor >= 0 else { throw ReportFolderError.io(path: lockURL.path, reason: String(cString: strerror(errno))) }
        guard flock(lockDescriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOf: lockURL, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            close(lockDescriptor)
            throw ReportFolderError.busy(path: target.path, holder: holder)
        }
        _ = ftruncate(lockDescriptor, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { Glibc.write(lockDescriptor, $0.baseAddress, $0.count) }
        // Staging folders of earlier runs (killed by SIGKILL): nobody else can be using them now.
        let prefix = ".\(name).tmp-"
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? [] where entry.hasPrefix(prefix) {
            try? FileManager.default.removeItem(at: parent.appendingPathComponent(entry))
        }
        let staging = staging, lockURL = lockURL, fd = lockDescriptor
        cleanupToken = TerminationCleanup.shared.add {
            try? FileManager.default.removeItem(at: staging)
            unlink(lockURL.path)
            close(fd)
        }
    }

    /// Builds the new report and swaps it in: creates the staging folder as a copy of the target's
    /// current files (so files this run does not write, e.g. baseline.json, survive the swap), lets
    /// `body` write into it, swaps it with the target, removes the old contents and releases the
    /// lock. If `body` throws, the staging folder is removed and the target is untouched.
    public func write<T>(_ body: (URL) throws -> T) throws -> T {
        let cleanup = TerminationCleanup.shared
        cleanup.critical.lock()
        defer { cleanup.critical.unlock() }
        guard !cleanup.isTerminating else { throw ReportFolderError.io(path: target.path, reason: "interrupted") }
        do {
            try stage()
            let result = try body(staging)
            try swapIn()
            return result
        } catch {
            try? FileManager.default.removeItem(at: staging)
            release()
            throw error
        }
    }

    private func stage() throws {
        let fm = FileManager.default
        try? fm.removeItem(at: staging)
        do {
            if fm.fileExists(atPath: target.path) {
                try fm.copyItem(at: target, to: staging)
            } else {
                try fm.createDirectory(at: staging, withIntermediateDirectories: true)
            }
        } catch {
            throw ReportFolderError.io(path: staging.path, reason: error.localizedDescription)
        }
    }

    /// Swaps the staging folder in whole, removes the old contents and releases the lock.
    private func swapIn() throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: target.path) {
            guard Self.exchange(staging.path, target.path) == 0 else {
                throw ReportFolderError.io(path: target.path, reason: "cannot swap in the new report: \(String(cString: strerror(errno)))")
            }
        } else if rename(staging.path, target.path) != 0 {
            throw ReportFolderError.io(path: target.path, reason: String(cString: strerror(errno)))
        }
        try? fm.removeItem(at: staging)       // now the old contents
        release()
    }

    /// Removes the staging folder and releases the lock without touching the target.
    public func abandon() {
        let cleanup = TerminationCleanup.shared
        cleanup.critical.lock()
        defer { cleanup.critical.unlock() }
        try? FileManager.default.removeItem(at: staging)
        release()
    }

    private func release() {
        if let token = cleanupToken { TerminationCleanup.shared.remove(token) }
        cleanupToken = nil
        guard lockDescriptor >= 0 else { return }
        unlink(lockURL.path)
        close(lockDescriptor)
        lockDescriptor = -1
    }

    deinit {
        if lockDescriptor >= 0 {
            try? FileManager.default.removeItem(at: staging)
            release()
        }
    }

    /// renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE): Linux ≥ 3.15, glibc ≥ 2.28; the Swift
    /// Glibc module does not export it, so it is looked up by name.
    private static func exchange(_ a: String, _ b: String) -> Int32 {
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { errno = ENOSYS; return -1 }
        let renameExchange: UInt32 = 2
        return unsafeBitCast(symbol, to: RenameAt2.self)(AT_FDCWD, a, AT_FDCWD, b, renameExchange)
    }
}

/// Why a report folder could not be written.
public enum ReportFolderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Another run is writing into the same folder.
    case busy(path: String, holder: Int32?)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case let .busy(path, holder):
            "report folder \(path) is busy: another samkit run\(holder.map { " (pid \($0))" } ?? "") is writing into it; wait for it or choose another --out"
        case let .io(path, reason):
            "cannot write report folder \(path): \(reason)"
        }
    }
}
