import Foundation

/// The learning report's claim, judged from iterations to threshold: a model reaches the threshold
/// within `factor` times DAM's iterations (issue 15: 1.25×), medians over seeds.
///
/// Inputs: per seed, the iterations to threshold of the model and of DAM (nil: not reached within
/// `budget` iterations). A run that did not reach the threshold is censored, not dropped: it took
/// more than `budget` iterations. So the median is over every seed, a censored seed counting as
/// beyond the budget; when the median seed is censored, so is the median. Dropping censored seeds
/// instead would let a model that reached the threshold in 1 seed of 3 pass against a DAM that
/// reached it in 3 of 3.
///
/// Verdicts (m = the model's median, d = DAM's):
/// - both reached: met when m ≤ factor·d, else contradicted;
/// - m beyond the budget, d reached: contradicted when budget ≥ factor·d (then m > factor·d);
///   else inconclusive (the budget ends before factor·d, so m may still be within it);
/// - m reached, d beyond the budget: met (m ≤ budget < d);
/// - both beyond the budget: inconclusive.
public struct IterationsClaim: Sendable {
    public enum Verdict: String, Sendable { case met, contradicted, inconclusive }

    public let model: [Int?]
    public let dam: [Int?]
    public let budget: Int
    public let factor: Double

    public init(model: [Int?], dam: [Int?], budget: Int, factor: Double = 1.25) {
        self.model = model
        self.dam = dam
        self.budget = budget
        self.factor = factor
    }

    /// The median over all seeds, nil (not reached) sorted last as beyond any budget; nil when the
    /// median seed did not reach it (or there are no seeds).
    public static func censoredMedian(_ seeds: [Int?]) -> Int? {
        guard !seeds.isEmpty else { return nil }
        let sorted = seeds.sorted { a, b in
            switch (a, b) {
            case let (x?, y?): return x < y
            case (.some, nil): return true
            default: return false
            }
        }
        return sorted[(sorted.count - 1) / 2]
    }

    public var modelMedian: Int? { Self.censoredMedian(model) }
    public var damMedian: Int? { Self.censoredMedian(dam) }

    public var verdict: Verdict {
        guard !model.isEmpty, !dam.isEmpty else { return .inconclusive }
        switch (modelMedian, damMedian) {
        case let (m?, d?): return Double(m) <= factor * Double(d) ? .met : .contradicted
        case let (nil, d?): return Double(budget) >= factor * Double(d) ? .contradicted : .inconclusive
        case (.some, nil): return .met
        case (nil, nil): return .inconclusive
        }
    }

    /// The verdict with its reason, for the report.
    public func text(modelName: String) -> String {
        let f = String(format: "%g", factor)
        guard !model.isEmpty, !dam.isEmpty else { return "inconclusive: no runs" }
        switch (modelMedian, damMedian) {
        case let (m?, d?):
            return "\(verdict.rawValue): median \(m) against DAM's \(d), " + String(format: "%.2f", Double(m) / Double(d)) + "× (at most \(f)× is met)"
        case let (nil, d?) where verdict == .contradicted:
            return "contradicted: DAM's median \(d); \(modelName)'s median seed did not reach the threshold within the budget of \(budget) "
                + "iterations, which is at least \(f)× DAM's median"
        case let (nil, d?):
            return "inconclusive: \(modelName)'s median seed did not reach the threshold within \(budget) iterations, which is less than "
                + "\(f)× DAM's median \(d), so it may still be within"
        case let (m?, nil):
            return "met: \(modelName)'s median \(m) is within the budget of \(budget) iterations; DAM's median seed did not reach the threshold"
        case (nil, nil):
            return "inconclusive: neither \(modelName)'s nor DAM's median seed reached the threshold within \(budget) iterations"
        }
    }
}
