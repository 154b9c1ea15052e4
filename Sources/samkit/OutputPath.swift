import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Output paths checked before any long work (README "Exit codes"): the file or folder either exists
/// with the right kind and is writable, or can be created because its nearest existing ancestor is a
/// writable folder. Nothing is created by the check.
enum OutputPath {
    enum Kind { case file, folder }

    /// Throws an `InputError` naming `option` when `path` cannot be written as a `kind`.
    static func check(_ path: String, option: String, as kind: Kind) throws {
        guard !path.isEmpty else { throw InputError(field: option, value: "''", valid: "a path") }
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            switch (kind, isDirectory.boolValue) {
            case (.file, true): throw InputError(field: option, value: path, valid: "a file path, not a folder")
            case (.folder, false): throw InputError(field: option, value: path, valid: "a folder, not a file")
            default: break
            }
            // A file is replaced atomically (renamed over), so its folder must be writable too.
            let folder = kind == .file ? parent(of: path) : path
            guard access(folder.isEmpty ? "." : folder, W_OK | X_OK) == 0 else {
                throw InputError(field: option, value: path, valid: "a path in a writable folder (\(folder.isEmpty ? "." : folder): \(String(cString: strerror(errno))))")
            }
            return
        }
        // Walk up to the nearest existing ancestor: it must be a writable folder.
        var ancestor = parent(of: path)
        while !ancestor.isEmpty && !fm.fileExists(atPath: ancestor, isDirectory: &isDirectory) {
            ancestor = parent(of: ancestor)
        }
        if ancestor.isEmpty { ancestor = "."; isDirectory = true }
        guard isDirectory.boolValue else {
            throw InputError(field: option, value: path, valid: "a path whose parent is a folder (\(ancestor) is a file)")
        }
        guard access(ancestor, W_OK | X_OK) == 0 else {
            throw InputError(field: option, value: path,
                             valid: "a path under a writable folder (\(ancestor): \(String(cString: strerror(errno))))")
        }
    }

    /// The folder holding `path` ("" for a bare name or "/"), without Foundation's path helpers
    /// (NSString.deletingLastPathComponent trapped on a one-letter relative name in Swift 6.3).
    static func parent(of path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        guard p != "/", let slash = p.lastIndex(of: "/") else { return "" }
        return slash == p.startIndex ? "/" : String(p[..<slash])
    }
}
