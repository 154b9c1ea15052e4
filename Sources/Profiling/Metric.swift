import Foundation
import ComplexityFit

/// A per-step quantity fitted against N.
public enum Metric: String, Codable, CodingKeyRepresentable, Sendable, CaseIterable {
    /// Forward plus backward wall time per step.
    case stepTime = "step-time"
    case forwardTime = "forward-time"
    case backwardTime = "backward-time"
    /// Exact bytes held for the backward pass, per step.
    case recordBytes = "record-bytes"
    /// Peak resident memory over the timed steps (model included).
    case peakResident = "peak-resident"
    /// Wall time of one episode reset after T steps (back to M_0), whole, not per step.
    case resetTime = "reset-time"

    /// The metric's name in tables and plots.
    public var label: String {
        switch self {
        case .stepTime: "time per step (forward + backward)"
        case .forwardTime: "forward time per step"
        case .backwardTime: "backward time per step"
        case .recordBytes: "backward-record bytes per step"
        case .peakResident: "peak resident memory"
        case .resetTime: "episode reset after T steps"
        }
    }

    /// Its unit: s, B or rows.
    public var unit: String {
        switch self {
        case .stepTime, .forwardTime, .backwardTime, .resetTime: "s"
        case .recordBytes, .peakResident: "B"
        }
    }

    /// A time (seconds), measured with the clock rather than counted.
    public var isTime: Bool { unit == "s" }

    /// Every kept segment's value of this metric in one measurement (nil if it was not available).
    public func segments(_ m: SizeMeasurement) -> [Double]? {
        switch self {
        case .stepTime: m.stepSeconds
        case .forwardTime: m.forwardSeconds
        case .backwardTime: m.backwardSeconds
        case .recordBytes: m.recordBytesPerStep
        case .peakResident: m.peakResidentBytes.map { [Double($0)] }
        case .resetTime: m.resetSeconds
        }
    }

    /// The fit's replicates: per-process medians of the segments when several processes measured
    /// the size, else the segments (`SizeMeasurement.replicates`).
    public func replicates(_ m: SizeMeasurement) -> [Double]? {
        guard self != .peakResident else { return segments(m) }
        return segments(m).map { m.replicates($0) }
    }

    /// Formats a value of this metric with a readable unit.
    public func format(_ value: Double) -> String {
        isTime ? NumberFormat.seconds(value) : NumberFormat.bytes(value)
    }
}

extension ComplexityClass {
    /// "O(N log N)" etc.
    var bigO: String { "\(self)" }
}
