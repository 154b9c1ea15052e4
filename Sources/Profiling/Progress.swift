import Foundation
import OutputFiles
#if canImport(Glibc)
import Glibc
#endif

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
