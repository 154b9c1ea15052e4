import Foundation
import Testing
@_spi(FaultInjection) import MemoryModels
import SAMNumerics
import Training

/// SAM's loss on copy (lengths 1 to 3) falls in a short run; checkpoints round-trip bit for
/// bit and a resumed run reproduces the uninterrupted curve exactly.
@Suite struct LearningTests {
    static let task = CopyTask(bits: 4, length: 3)

    func trainer(fault: GradientFault? = nil, window: Int = 50, batch: Int = 1,
                 optimiser kind: OptimiserKind = .adam) throws -> Trainer<Float> {
        let c = try ModelConfiguration(memoryWords: 16, wordSize: 8, heads: 1, neighbours: 4, hidden: 16,
                                       inputSize: Self.task.inputSize, outputSize: Self.task.outputSize,
                                       memoryInitialisation: .uniform(scale: 0.1, seed: 3), parameterSeed: 3)
        let model = try SAM<Float>(configuration: c)
        model.fault = fault
        let optimiser: any Optimiser<Float> = kind.make(parameterCount: model.parameters.totalCount,
                                                        learningRate: kind == .adam ? 1e-2 : 1e-3, clipNorm: 10)
        return Trainer(model: model, task: Self.task, optimiser: optimiser,
                       settings: TrainingSettings(batch: batch, window: window, schedule: .uniform), seed: 11)
    }

    /// Relative fall of the loss from the first window to the mean of the last two.
    func fall(_ points: [TrainingPoint]) -> Double {
        let last = points.suffix(2).map(\.loss).reduce(0, +) / 2
        return 1 - last / points[0].loss
    }

    /// A short run cuts the loss. (Against zeroed read gradients, `GradientFault.zeroReadGradient`,
    /// the two runs part only after thousands of iterations: too long for a unit test; see
    /// `samkit train --fault zero-read-gradient`.)
    @Test func shortRunCutsTheLoss() throws {
        let healthy = try trainer()
        try healthy.run(until: 600)
        print("copy 1-3, SAM: loss fall \(fall(healthy.state.points)); curve \(healthy.state.points.map(\.loss))")
        #expect(fall(healthy.state.points) > 0.2)
    }

    func run(_ t: Trainer<Float>, until n: Int, save: ((Checkpoint) -> Void)? = nil) throws {
        let run = description(t)
        try t.run(until: n, checkpoint: { trainer in save?(Checkpoint(run: run, trainer: trainer)) })
    }

    func description(_ t: Trainer<Float>) -> RunDescription {
        RunDescription(task: .copy, bits: 4, maxLevel: 3, model: "sam", configuration: t.model.configuration,
                       optimizer: t.optimiser.kind, learningRate: 1e-2, clip: 10, batch: t.settings.batch,
                       window: t.settings.window, levels: t.settings.schedule.description, seed: 11)
    }

    @Test(arguments: OptimiserKind.allCases) func checkpointRoundTripsBitForBit(_ kind: OptimiserKind) throws {
        let t = try trainer(window: 5, optimiser: kind)
        try run(t, until: 10)
        let saved = Checkpoint(run: description(t), trainer: t)
        let decoded = try Checkpoint.decode(try saved.encoded())
        #expect(decoded == saved)
        let fresh = try trainer(window: 5, optimiser: kind)
        try decoded.restore(into: fresh, run: description(fresh))
        #expect(Array(fresh.model.parameters.values).map(\.bitPattern) == Array(t.model.parameters.values).map(\.bitPattern))
        #expect(fresh.optimiser.state == t.optimiser.state && fresh.state == t.state)
    }

    @Test func resumedRunReproducesTheCurve() throws {
        let whole = try trainer(window: 5, batch: 2)
        try run(whole, until: 30)
        let first = try trainer(window: 5, batch: 2)
        var atTen: Checkpoint?
        try run(first, until: 30) { if $0.state.iteration == 10 { atTen = $0 } }
        let resumed = try trainer(window: 5, batch: 2)
        try Checkpoint.decode(try #require(atTen).encoded()).restore(into: resumed, run: description(resumed))
        try run(resumed, until: 30)
        #expect(resumed.state.points == whole.state.points)
        #expect(Array(resumed.model.parameters.values).map(\.bitPattern) == Array(whole.model.parameters.values).map(\.bitPattern))
    }

    @Test func corruptOrMismatchedCheckpointsAreNamed() throws {
        let t = try trainer(window: 5)
        try run(t, until: 5)
        let data = try Checkpoint(run: description(t), trainer: t).encoded()
        #expect(throws: CheckpointError.self) { try Checkpoint.decode(data.prefix(data.count / 2)) }
        var other = description(t)
        other.batch = 4
        do {
            try Checkpoint.decode(data).restore(into: try trainer(window: 5), run: other)
            Issue.record("a checkpoint of batch 1 restored into a run of batch 4")
        } catch let error as CheckpointError {
            #expect(error.description.contains("batch"))
        }
    }
}
