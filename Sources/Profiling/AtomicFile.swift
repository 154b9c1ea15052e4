import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes files atomically: the bytes go to a temporary file in the same folder, which is flushed
/// and then renamed over the target, so a reader sees either the old file or the whole new one,
/// and an interrupted write leaves no partial target. A failed write removes its temporary file.
public enum AtomicFile {
    /// The temporary name used for `url` (hidden, in the same folder, unique per process and call).
    static func temporaryURL(for url: URL) -> URL {
        url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    }

    public static func write(_ data: Data, to url: URL) throws(ProfilingError) {
        let directory = url.deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw .writeFailed(path: directory.path, reason: error.localizedDescription)
        }
        let temporary = temporaryURL(for: url)
        do {
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw ProfilingError.writeFailed(path: temporary.path, reason: "cannot create the temporary file")
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
                throw ProfilingError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let e = error as? ProfilingError { throw e }
            throw .writeFailed(path: url.path, reason: error.localizedDescription)
        }
    }

    public static func write(_ text: String, to url: URL) throws(ProfilingError) {
        try write(Data(text.utf8), to: url)
    }

    /// Moves an already complete file (written by another program under a temporary name) into place.
    public static func move(_ temporary: URL, to url: URL) throws(ProfilingError) {
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .writeFailed(path: url.path, reason: reason)
        }
    }
}
