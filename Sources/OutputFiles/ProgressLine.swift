import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One status line on stderr, rewritten in place when stderr is a terminal. Without a terminal,
/// only `show(_:force: true)` (a finished unit of work) prints, one line each, so a log shows progress.
public final class ProgressLine: @unchecked Sendable {
    public let enabled: Bool
    private var lastWidth = 0
    private var lastDraw = 0.0

    public init(enabled: Bool = isatty(STDERR_FILENO) == 1) { self.enabled = enabled }

    /// Rewrites the line (at most 10 times a second unless `force`). `force` marks a finished unit of
    /// work: always drawn on a terminal, and printed as one line on stderr without one, so a log shows
    /// progress; other updates are silent without a terminal.
    public func show(_ text: String, force: Bool = false) {
        guard enabled else {
            if force { FileHandle.standardError.write(Data((text + "\n").utf8)) }
            return
        }
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        let now = Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
        guard force || now - lastDraw >= 0.1 else { return }
        lastDraw = now
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
        lastWidth = text.count
    }

    /// A line that stays, printed whether or not stderr is a terminal (the status line is cleared first).
    public func note(_ text: String) {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    public func finish() {
        guard enabled, lastWidth > 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        lastWidth = 0
    }

    /// "1m 05s" / "42s".
    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60)m \(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}

