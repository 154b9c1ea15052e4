/// A run's learning curve as text, and what the learning report reads off it.
public enum LearningCurve {
    /// CSV with a header: iteration, episode, loss, wrong bits per sequence, level h, recall@K (empty when not measured).
    public static func csv(_ points: [TrainingPoint]) -> String {
        var text = "iteration,episode,loss,wrong_bits_per_sequence,level,recall\n"
        for p in points {
            text += "\(p.iteration),\(p.episode),\(p.loss),\(p.bitErrors),\(p.level),\(p.recall.map { "\($0)" } ?? "")\n"
        }
        return text
    }

    /// The first iteration whose window has reached the task's highest level `top` with at most
    /// `threshold` wrong bits per sequence (nil: never within the run).
    public static func iterationsToThreshold(_ points: [TrainingPoint], top: Int, threshold: Double) -> Int? {
        points.first { $0.level >= top && $0.bitErrors <= threshold }?.iteration
    }

    /// Mean of the measured recall values (nil: none measured).
    public static func meanRecall(_ points: [TrainingPoint]) -> Double? {
        let r = points.compactMap(\.recall)
        return r.isEmpty ? nil : r.reduce(0, +) / Double(r.count)
    }
}
