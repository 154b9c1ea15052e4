import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Monotonic wall clock and per-thread CPU clock, in seconds (clock_gettime).
public enum Clock {
    /// Seconds on the monotonic clock.
    public static func monotonic() -> Double { read(CLOCK_MONOTONIC) }
    /// Seconds of CPU time this thread has used.
    public static func threadCPU() -> Double { read(CLOCK_THREAD_CPUTIME_ID) }
    private static func read(_ id: clockid_t) -> Double {
        var t = timespec()
        clock_gettime(id, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}

/// The kernel's record of peak resident memory (Linux /proc).
public enum ResidentMemory {
    /// Resets VmHWM to the current resident set by writing "5" to /proc/self/clear_refs.
    /// Returns false where that is not possible.
    @discardableResult
    public static func resetPeak() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, "5", 1) == 1
    }

    /// Returns the heap's free pages to the kernel (glibc `malloc_trim(0)`, looked up at run time
    /// because Glibc's module does not export it), so that freed memory is not counted as resident
    /// and cannot be silently reused by a later measurement. Returns false where it is unavailable.
    @discardableResult
    public static func releaseFreeHeap() -> Bool {
        guard let symbol = dlsym(nil, "malloc_trim") else { return false }
        typealias Trim = @convention(c) (Int) -> Int32
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        return true
    }

    /// VmHWM from /proc/self/status, in bytes; nil if unavailable.
    public static func peakBytes() -> Int? { statusField("VmHWM:") }
    /// VmRSS from /proc/self/status, in bytes; nil if unavailable.
    public static func currentBytes() -> Int? { statusField("VmRSS:") }

    static func statusField(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return nil }
        let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count >= 2, let kib = Int(parts[1]) else { return nil }
        return kib * 1024
    }
}
