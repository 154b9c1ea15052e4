import ComplexityFit
import Foundation

/// A short check, before a sweep, of how quiet the machine is: the 1-minute load average against
/// the logical CPUs, and a calibration kernel (a fixed floating-point loop of about 2 ms) timed
/// `repeats` times: the relative spread (IQR / median) of its wall time and its CPU/wall ratio.
/// Reported at the top of the report; it does not stop the sweep (the per-segment busy check and
/// the noisy-row rule do the judging).
public struct QuietCheck: Codable, Sendable, Equatable {
    /// /proc/loadavg's first field (nil where unavailable).
    public let loadAverage: Double?
    /// Logical CPUs.
    public let logicalCPUs: Int
    /// Interquartile range over median of the calibration kernel's wall times.
    public let calibrationSpread: Double
    /// Median CPU/wall ratio of the calibration runs (1 when nothing else wanted this core).
    public let calibrationBusyFraction: Double

    /// Quiet when the load leaves a core free, the kernel's spread is under 10% and it kept ≥ 90% of the CPU.
    public var isQuiet: Bool {
        (loadAverage.map { $0 <= Double(max(logicalCPUs - 1, 1)) } ?? true)
            && calibrationSpread < 0.10 && calibrationBusyFraction >= 0.90
    }

    /// One line: load, spread, busy fraction, and whether the machine looks quiet.
    public var summary: String {
        let load = loadAverage.map { NumberFormat.fixed($0, 2) } ?? "unknown"
        return "load average \(load) on \(logicalCPUs) logical CPUs; calibration kernel spread (IQR/median) \(NumberFormat.percent(calibrationSpread)), CPU/wall \(NumberFormat.fixed(calibrationBusyFraction, 2)): \(isQuiet ? "quiet" : "NOT quiet")"
    }

    /// A quiet check's figures.
    public init(loadAverage: Double?, logicalCPUs: Int, calibrationSpread: Double, calibrationBusyFraction: Double) {
        self.loadAverage = loadAverage
        self.logicalCPUs = logicalCPUs
        self.calibrationSpread = calibrationSpread
        self.calibrationBusyFraction = calibrationBusyFraction
    }

    /// Runs the check (about `repeats` × 2 ms).
    public static func run(repeats: Int = 50) -> QuietCheck {
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))
            .flatMap { $0.split(separator: " ").first.flatMap { Double($0) } }
        var walls: [Double] = [], busy: [Double] = []
        var sink = 0.0
        for _ in 0..<repeats {
            let c0 = Clock.threadCPU(), t0 = Clock.monotonic()
            var x = 1.0
            for i in 0..<400_000 { x = x * 1.000_000_1 + Double(i & 7) * 1e-9 }
            sink += x
            let t1 = Clock.monotonic(), c1 = Clock.threadCPU()
            walls.append(t1 - t0)
            busy.append((c1 - c0) / max(t1 - t0, 1e-12))
        }
        if sink.isNaN { print(sink) }      // keeps the loop from being optimised away
        let median = Statistics.median(walls)
        let spread = (Statistics.quantile(walls, 0.75) - Statistics.quantile(walls, 0.25)) / median
        return QuietCheck(loadAverage: load, logicalCPUs: ProcessInfo.processInfo.activeProcessorCount,
                          calibrationSpread: spread, calibrationBusyFraction: Statistics.median(busy))
    }
}
