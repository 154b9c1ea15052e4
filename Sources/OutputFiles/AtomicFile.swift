import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Errors are `FileWriteError`, thrown untyped: typed throws across these module boundaries
/// crashed the Swift 6.3 optimiser (LLVM "swifterror value" verifier failure) in release builds.
///
/// Writes files atomically: the bytes go to a temporary file in the same folder, which is flushed
/// and then renamed over the target, so a reader sees either the old file or the whole new one,
/// and an interrupted write leaves no partial target. A failed write removes its temporary file.
public enum AtomicFile {
    /// The temporary name used for `url` (hidden, in the same folder, unique per process and call).
    public static func temporaryURL(for url: URL) -> URL {
        url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    }

    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw FileWriteError(path: directory.path, reason: error.localizedDescription)
        }
        let temporary = temporaryURL(for: url)
        do {
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw FileWriteError(path: temporary.path, reason: "cannot create the temporary file")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            do {
                try handle.write(contentsOf: data)
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            guard rename(temporary.path, url.path) == 0 else {
                throw FileWriteError(path: url.path, reason: String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let e = error as? FileWriteError { throw e }
            throw FileWriteError(path: url.path, reason: error.localizedDescription)
        }
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// Moves an already complete file (written by another program under a temporary name) into place.
    public static func move(_ temporary: URL, to url: URL) throws {
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw FileWriteError(path: url.path, reason: reason)
        }
    }

    /// Pretty-printed, key-sorted JSON (non-finite numbers as the strings "inf", "-inf", "nan").
    public static func writeJSON(_ value: some Encodable, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data: Data
        do { data = try encoder.encode(value) } catch {
            throw FileWriteError(path: url.path, reason: "cannot encode JSON: \(error)")
        }
        try write(data, to: url)
    }

    public static func writeJSON(_ value: some Encodable, to path: String) throws {
        try writeJSON(value, to: URL(fileURLWithPath: path))
    }
}

/// A file that could not be written, and why.
public struct FileWriteError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "cannot write \(path): \(reason)" }
}
