import Foundation
@_spi(FaultInjection) import MemoryModels
import NearestNeighbours
import OutputFiles
import Profiling
import Training

/// What `samkit train` records besides the curve: times (wall clock, for the report's per-episode
/// comparison) and where the run stopped.
struct TrainRunSummary: Codable {
    var run: RunDescription
    var iterations: Int
    /// Episodes trained by this process (a resumed run counts only its own).
    var episodesThisProcess: Int
    /// Seconds to build the model (memory, index, parameters) and restore any checkpoint.
    var constructionSeconds: Double
    /// Seconds spent training: iterations only (recall measurement and checkpoint writes excluded).
    var trainingSeconds: Double
    var secondsPerEpisode: Double { trainingSeconds / Double(max(1, episodesThisProcess)) }
    var points: [TrainingPoint]
}

/// One `samkit train` run: builds the model, restores a checkpoint if asked, trains, and writes
/// the curve, the plot, the summary and checkpoints.
struct TrainRun {
    static let checkpointName = "checkpoint.json"
    /// The faults `--fault` accepts (measuring what a broken gradient costs learning).
    static let faults = GradientFault.trainingFaults.map(\.rawValue)
    let o: TrainCommand
    init(_ options: TrainCommand) { o = options }

    func run() throws {
        let c = try o.configuration(), task = o.sequenceTask, description = o.runDescription(c)
        // Float model: parameters with gradients and two optimiser buffers (4 copies), the longest episode.
        try MemoryBudget.check(MemoryBudget.estimate(c, dense: o.family.hasDenseFootprint, scalarBytes: 4, steps: task.steps(level: o.length),
                                                     parameterCopies: 4), what: "train --model \(o.model)")
        let clock = ContinuousClock(), start = clock.now
        let network = try o.family.build(c, as: Float.self)
        network.fault = o.fault.flatMap(GradientFault.init(rawValue:))
        let optimiser: any Optimiser<Float> = o.optimiserKind.make(parameterCount: network.parameters.totalCount,
                                                                  learningRate: Float(description.learningRate),
                                                                  clipNorm: description.clip.map { Float($0) })
        let trainer = Trainer<Float>(model: network, task: task, optimiser: optimiser,
                                     settings: TrainingSettings(batch: o.batch, window: description.window, schedule: o.schedule, segment: o.segment),
                                     seed: o.seed &+ 1)
        let folder = o.out.map { URL(fileURLWithPath: $0) }
        if o.resume, let folder {
            try Checkpoint.read(folder.appendingPathComponent(Self.checkpointName).path).restore(into: trainer, run: description)
        }
        let startIteration = trainer.state.iteration
        let constructed = clock.now
        print("training \(o.family.label)\(o.family.readsSelectedRows ? " (\(o.indexName) index)" : "") on \(o.task): "
              + "highest level \(o.length), \(o.bits) bits; N=\(c.memoryWords) W=\(c.wordSize) R=\(c.heads) K=\(c.neighbours) "
              + "H=\(c.hidden); \(o.iterationCount) iterations of \(o.batch) episodes; \(o.optimizer) lr \(description.learningRate); "
              + "levels \(o.schedule); single-threaded\(o.resume ? "; resumed at iteration \(startIteration)" : "")")
        var last = (time: clock.now, episode: startIteration * o.batch)
        var aside = Duration.zero   // time measuring recall and writing checkpoints
        let meter = recallMeter(c)
        let trace = o.trace.map { _ in TrainTrace(c, task: o.taskKind, model: network) }
        try trainer.run(until: o.iterationCount, inspect: { store in trace?.record(store, network) }, measure: { model in
            var recall: Double?
            aside += clock.measure { recall = meter(model) }
            return recall
        }, progress: { p in
            let now = clock.now, seconds = Self.seconds(now - last.time)
            let rate = seconds > 0 ? Double(p.episode - last.episode) / seconds : 0
            last = (now, p.episode)
            trace?.endWindow(p.iteration)
            let recall = p.recall.map { String(format: "  recall@%d %.3f", c.neighbours, $0) } ?? ""
            FileHandle.standardError.write(Data(String(
                format: "iteration %d/%d  loss %.4f  wrong bits/seq %.3f  h %d  %.1f episodes/s%@\n",
                p.iteration, o.iterationCount, p.loss, p.bitErrors, p.level, rate, recall).utf8))
        }, checkpoint: { trainer in
            guard let folder else { return }
            let begun = clock.now
            defer { aside += clock.now - begun }
            try AtomicFile.write(try Checkpoint(run: description, trainer: trainer).encoded(),
                                 to: folder.appendingPathComponent(Self.checkpointName))
            try AtomicFile.write(LearningCurve.csv(trainer.state.points), to: folder.appendingPathComponent("curve.csv"))
        })
        let done = clock.now
        let points = trainer.state.points
        if let last = points.last {
            print(String(format: "iteration %d: loss %.4f, %.3f wrong bits per sequence, h %d", last.iteration, last.loss,
                         last.bitErrors, last.level))
        }
        if let json = o.json { try AtomicFile.writeJSON(points, to: json) }
        if let trace, let path = o.trace { try AtomicFile.write(trace.csv, to: URL(fileURLWithPath: path)) }
        guard let folder else { return }
        let summary = TrainRunSummary(run: description, iterations: trainer.state.iteration,
                                      episodesThisProcess: (trainer.state.iteration - startIteration) * o.batch,
                                      constructionSeconds: Self.seconds(constructed - start),
                                      trainingSeconds: Self.seconds(done - constructed - aside), points: points)
        try AtomicFile.write(LearningCurve.csv(points), to: folder.appendingPathComponent("curve.csv"))
        try AtomicFile.writeJSON(summary, to: folder.appendingPathComponent("run.json"))
        try LearningPlot.draw(curves: [(title: "\(o.model) \(o.indexName == "exact" || !o.family.readsSelectedRows ? "" : o.indexName) \(o.task)", csv: "curve.csv")],
                              folder: folder, name: "curve")
    }

    /// A model reading through an approximate index (SAM, the SDNC): its recall@K against the exact index on the model's current
    /// memory (R random unit queries per step for 20 steps, `IndexBenchmark`). Otherwise nothing.
    func recallMeter(_ c: ModelConfiguration) -> (any MemoryModel<Float>) -> Double? {
        guard o.family.readsSelectedRows, c.index != .exact else { return { _ in nil } }
        var settings = IndexBenchmark.Configuration()
        settings.width = c.wordSize
        settings.neighbours = c.neighbours
        settings.heads = c.heads
        settings.steps = 20
        settings.seed = o.seed
        settings.settings = c.indexSettings
        return { model in
            let memory = model.memory
            let workload = IndexBenchmark.Workload.supplied(name: "trained") { target, _ in
                _ = target.storage.update(fromContentsOf: memory.storage)
            }
            return (try? IndexBenchmark.run(kind: c.index, sizes: [c.memoryWords], workload: workload, configuration: settings))?
                .first?.recall
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

/// Wrong bits per sequence against iterations, one line per curve (CSV files of `LearningCurve.csv`),
/// drawn by gnuplot (`GnuplotPlotter`) into `folder/name.png`; skipped with a note when gnuplot is missing.
enum LearningPlot {
    static func draw(curves: [(title: String, csv: String)], folder: URL, name: String, heading: String? = nil) throws {
        let plotter = GnuplotPlotter()
        guard plotter.isAvailable else {
            FileHandle.standardError.write(Data("note: gnuplot not found; \(name).png not drawn\n".utf8))
            return
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("samkit-learning-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let lines = curves.map {
            "'\(folder.appendingPathComponent($0.csv).path)' using 1:4 with lines lw 2 title '\($0.title)'"
        }
        try plotter.plot(target: folder.appendingPathComponent("\(name).png"), work: work, name: name) { output in
            """
            set terminal pngcairo size 1000,600 enhanced font 'DejaVu Sans,10'
            set output '\(output.path)'
            set datafile separator ','
            set key autotitle columnhead
            set title "\(heading ?? "wrong bits per sequence against iterations")"
            set xlabel 'iteration'
            set ylabel 'wrong bits per sequence (window mean)'
            set key outside right top box
            set grid
            plot \(lines.joined(separator: ", \\\n     "))

            """
        }
    }
}
