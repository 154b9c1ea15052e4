import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One status line on stderr, rewritten in place; silent when stderr is not a terminal.
public final class ProgressLine: @unchecked Sendable {
    public let enabled: Bool
    private var lastWidth = 0
    private var lastDraw = 0.0

    public init(enabled: Bool = isatty(STDERR_FILENO) == 1) { self.enabled = enabled }

    /// Rewrites the line (at most 10 times a second unless `force`).
    public func show(_ text: String, force: Bool = false) {
        guard enabled else { return }
        let now = Clock.monotonic()
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

/// Estimates the time left in a sweep from the jobs done so far: each model's cost grows with N
/// roughly as a power, whose exponent is taken from that model's last two jobs (clamped to [0, 1.5]);
/// a model not yet started is assumed to cost what the first job of the previous model cost.
struct TimeLeftEstimator {
    private var done: [ProfiledModel: [(size: Int, seconds: Double)]] = [:]

    mutating func record(_ job: SweepPlan.Job, seconds: Double) {
        done[job.model, default: []].append((job.size, seconds))
    }

    func estimate(remaining jobs: [SweepPlan.Job]) -> Double? {
        guard !done.isEmpty else { return nil }
        let fallback = done.values.compactMap(\.first?.seconds).max() ?? 1
        var total = 0.0
        var firstOfModel: [ProfiledModel: Double] = [:]
        for job in jobs {
            if let history = done[job.model], let last = history.last {
                var exponent = 0.5
                if history.count >= 2 {
                    let a = history[history.count - 2]
                    exponent = log(max(last.seconds, 1e-3) / max(a.seconds, 1e-3)) / log(Double(last.size) / Double(a.size))
                    exponent = min(max(exponent, 0), 1.5)
                }
                total += last.seconds * pow(Double(job.size) / Double(last.size), exponent)
            } else {
                let first = firstOfModel[job.model] ?? fallback
                firstOfModel[job.model] = first
                total += first * 1.5
            }
        }
        return total
    }
}
