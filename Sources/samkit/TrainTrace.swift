import Foundation
@_spi(Diagnostics) import MemoryModels
import NearestNeighbours
import Training

/// `samkit train --trace FILE` (hidden, a diagnostic): per window, the mean over iterations of each
/// gradient block's norm (`GradientBlocks`), and on copy with SAM how often the read at answer step
/// s selects the row written by the LRU write at step s (the row that holds pattern s when the
/// interpolation gate writes to the least recently used row), and the read weight it gets there.
/// For SAM, every read is also asked of an exact scan and of the k-d forests (`ComparedIndex`: FLANN's
/// and the compact one, each updated as SAM updates its index and each rebuilt before every query), on
/// the same memory: per window, each one's recall@K with ties counted as hits (`_recall_ties`) and by
/// row (`_recall_rows`), how often it returns the unique exact nearest row (`_nearest`), and on copy
/// how often the answer step's exact nearest row is its pattern's row (`target_nearest`) and how often
/// each index returns that row when it is (`_target`). A CSV, written atomically at the end of the run.
final class TrainTrace {
    let blocks: GradientBlocks
    let copy: Bool
    private var sums: [Double], iterations = 0
    private var answers = 0, hits = 0, targetWeight = 0.0
    private(set) var rows: [String] = []
    /// The comparison SAM reads through (nil for other models), its followers' names and window tallies.
    private var compared: ComparedIndex<Float>?
    private var names: [String] = []
    private var agreement: [IndexAgreement] = []
    private var targetNearest = 0, targetFound: [Int] = []

    init(_ c: ModelConfiguration, task: TaskKind, model: any MemoryModel<Float>) {
        blocks = GradientBlocks(c)
        copy = task == .copy
        sums = Array(repeating: 0, count: GradientBlocks.names.count)
        guard let sam = model as? SAM<Float> else { return }
        let epsilon = Float(c.epsilon)
        func make(_ kind: IndexKind) -> any NearestNeighbourIndex<Float> {
            try! makeIndex(kind: kind, settings: c.indexSettings, epsilon: epsilon, k: c.neighbours)
        }
        let followers: [(name: String, index: any NearestNeighbourIndex<Float>)] = [
            ("kdtree", make(.kdtree)), ("kdtree_rebuilt", RebuiltBeforeEveryQuery(make(.kdtree))),
            ("compact", make(.kdtreeCompact)), ("compact_rebuilt", RebuiltBeforeEveryQuery(make(.kdtreeCompact))),
        ]
        sam.wrapIndex { driver in
            let comparison = ComparedIndex(driver: driver, followers: followers, epsilon: epsilon)
            compared = comparison
            return comparison
        }
        names = followers.map(\.name)
        agreement = Array(repeating: IndexAgreement(), count: names.count)
        targetFound = Array(repeating: 0, count: names.count)
    }

    var header: String {
        var fields = ["iteration"] + GradientBlocks.names + ["target_selected", "target_weight"]
        if !names.isEmpty {
            fields += names.flatMap { ["\($0)_recall_ties", "\($0)_recall_rows", "\($0)_nearest"] }
            fields += ["target_nearest"] + names.map { "\($0)_target" }
        }
        return fields.joined(separator: ",")
    }

    /// One iteration: the averaged gradient, and the model still holding its last episode's record.
    func record(_ store: ParameterStore<Float>, _ model: any MemoryModel<Float>) {
        for (i, norm) in blocks.norms(store).enumerated() { sums[i] += norm }
        iterations += 1
        let log = compared?.takeLog() ?? []
        for entry in log {
            for f in names.indices { agreement[f].add(exact: entry.exact, returned: entry.followers[f]) }
        }
        guard copy, let sam = model as? SAM<Float> else { return }
        let steps = sam.decisions.steps, length = (steps.count - 1) / 2
        // The log holds this episode's queries, one per step and head, when the episode was one segment.
        let heads = sam.configuration.heads, logged = log.count == steps.count * heads
        for s in 0..<length {
            let written = steps[s].leastUsed[0], read = sam.readRecord(step: length + 1 + s)[0]
            answers += 1
            if let q = read.rows.firstIndex(of: written) {
                hits += 1
                targetWeight += Double(read.weights[q])
            }
            guard logged else { continue }
            let entry = log[(length + 1 + s) * heads]
            guard entry.exact.first?.row == written else { continue }
            targetNearest += 1
            for f in names.indices where entry.followers[f].contains(where: { $0.row == written }) { targetFound[f] += 1 }
        }
    }

    /// Closes a window ending at `iteration`.
    func endWindow(_ iteration: Int) {
        let n = Double(max(1, iterations)), a = Double(max(1, answers))
        let fields = [String(iteration)] + sums.map { String(format: "%.6g", $0 / n) }
            + (copy && answers > 0 ? [String(format: "%.4f", Double(hits) / a), String(format: "%.4f", targetWeight / a)] : ["", ""])
        var compare: [String] = []
        if !names.isEmpty {
            compare = agreement.flatMap { g in
                [g.meanRecallWithTies, g.meanRecallByRow, g.uniqueNearestRate].map { String(format: "%.4f", $0) }
            }
            compare.append(copy ? String(format: "%.4f", Double(targetNearest) / a) : "")
            compare += targetFound.map { copy && targetNearest > 0 ? String(format: "%.4f", Double($0) / Double(targetNearest)) : "" }
        }
        rows.append((fields + compare).joined(separator: ","))
        for i in sums.indices { sums[i] = 0 }
        iterations = 0; answers = 0; hits = 0; targetWeight = 0
        for f in names.indices { agreement[f] = IndexAgreement(); targetFound[f] = 0 }
        targetNearest = 0
    }

    var csv: String { ([header] + rows).joined(separator: "\n") + "\n" }
}
