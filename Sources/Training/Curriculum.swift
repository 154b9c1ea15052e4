import SAMNumerics

/// The curriculum of the SAM paper: each episode's level is drawn uniformly from the task's lowest
/// level up to a ceiling h; h doubles (capped at the task's highest level) when the mean loss per
/// answer bit over the last `window` iterations is below `threshold`.
public struct Curriculum: Codable, Sendable, Equatable {
    public let lowest: Int, highest: Int
    /// The ceiling h.
    public private(set) var ceiling: Int
    public let window: Int
    /// Mean loss per answer bit (nats) below which h doubles.
    public let threshold: Double
    private var recent: [Double] = []

    /// Starts at h = the lowest level.
    public init(levels: ClosedRange<Int>, window: Int, threshold: Double) {
        lowest = levels.lowerBound
        highest = levels.upperBound
        ceiling = levels.lowerBound
        self.window = max(1, window)
        self.threshold = threshold
    }

    /// No curriculum: every episode at `level`.
    public static func fixed(_ level: Int) -> Curriculum { Curriculum(levels: level...level, window: 1, threshold: 0) }

    /// No curriculum: every level of `levels` equally often (h is the highest level from the start).
    public static func uniform(_ levels: ClosedRange<Int>) -> Curriculum {
        var c = Curriculum(levels: levels, window: 1, threshold: 0)
        c.ceiling = levels.upperBound
        return c
    }

    /// A level uniform in lowest...h.
    public func draw(using rng: inout SeededGenerator) -> Int {
        ceiling == lowest ? lowest : Int.random(in: lowest...ceiling, using: &rng)
    }

    /// Records one iteration's loss per answer bit; doubles h when the window's mean is below the
    /// threshold (the window then starts afresh). Returns whether h changed.
    @discardableResult
    public mutating func record(lossPerBit: Double) -> Bool {
        guard ceiling < highest else { return false }
        recent.append(lossPerBit)
        if recent.count > window { recent.removeFirst(recent.count - window) }
        guard recent.count == window, recent.reduce(0, +) / Double(window) < threshold else { return false }
        ceiling = min(highest, 2 * ceiling)
        recent.removeAll()
        return true
    }
}
