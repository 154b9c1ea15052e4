import Foundation
import MemoryModels
import Training

/// `samkit train --trace FILE` (hidden, a diagnostic): per window, the mean over iterations of each
/// gradient block's norm (`GradientBlocks`), and on copy with SAM how often the read at answer step
/// s selects the row written by the LRU write at step s (the row that holds pattern s when the
/// interpolation gate writes to the least recently used row), and the read weight it gets there.
/// A CSV, written atomically at the end of the run.
final class TrainTrace {
    let blocks: GradientBlocks
    let copy: Bool
    private var sums: [Double], iterations = 0
    private var answers = 0, hits = 0, targetWeight = 0.0
    private(set) var rows: [String] = []

    init(_ c: ModelConfiguration, task: TaskKind) {
        blocks = GradientBlocks(c)
        copy = task == .copy
        sums = Array(repeating: 0, count: GradientBlocks.names.count)
    }

    var header: String {
        (["iteration"] + GradientBlocks.names + ["target_selected", "target_weight"]).joined(separator: ",")
    }

    /// One iteration: the averaged gradient, and the model still holding its last episode's record.
    func record(_ store: ParameterStore<Float>, _ model: any MemoryModel<Float>) {
        for (i, norm) in blocks.norms(store).enumerated() { sums[i] += norm }
        iterations += 1
        guard copy, let sam = model as? SAM<Float> else { return }
        let steps = sam.decisions.steps, length = (steps.count - 1) / 2
        for s in 0..<length {
            let written = steps[s].leastUsed[0], read = sam.readRecord(step: length + 1 + s)[0]
            answers += 1
            if let q = read.rows.firstIndex(of: written) {
                hits += 1
                targetWeight += Double(read.weights[q])
            }
        }
    }

    /// Closes a window ending at `iteration`.
    func endWindow(_ iteration: Int) {
        let n = Double(max(1, iterations)), a = Double(max(1, answers))
        let fields = [String(iteration)] + sums.map { String(format: "%.6g", $0 / n) }
            + (copy && answers > 0 ? [String(format: "%.4f", Double(hits) / a), String(format: "%.4f", targetWeight / a)] : ["", ""])
        rows.append(fields.joined(separator: ","))
        for i in sums.indices { sums[i] = 0 }
        iterations = 0; answers = 0; hits = 0; targetWeight = 0
    }

    var csv: String { ([header] + rows).joined(separator: "\n") + "\n" }
}
