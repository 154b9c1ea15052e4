import MemoryModels
import SAMNumerics

/// Mean loss and bit errors over a window of training iterations.
public struct TrainingPoint: Codable, Sendable, Equatable {
    /// Optimiser steps taken so far (the end of the window).
    public let iteration: Int
    /// Episodes trained so far (iterations × batch).
    public let episode: Int
    /// Mean loss per episode over the window (summed over masked steps and output units).
    public let loss: Double
    /// Mean wrong bits per sequence over the window.
    public let bitErrors: Double
    /// The curriculum's ceiling h at the end of the window.
    public let level: Int
    /// The index's recall@K measured at the end of the window (nil: not measured).
    public var recall: Double?

    public init(iteration: Int, episode: Int, loss: Double, bitErrors: Double, level: Int, recall: Double? = nil) {
        self.iteration = iteration
        self.episode = episode
        self.loss = loss
        self.bitErrors = bitErrors
        self.level = level
        self.recall = recall
    }
}

/// What a training run does, besides the model: the task, batch, window and curriculum.
public struct TrainingSettings: Sendable {
    public var batch: Int
    /// Iterations averaged into one `TrainingPoint` (also the curriculum's window).
    public var window: Int
    /// How each episode's level is chosen.
    public var schedule: LevelSchedule
    /// Truncated BPTT: steps per segment (nil: the whole episode is one segment). Each segment runs
    /// a training forward from the state the previous one left, then its backward, and the
    /// segments' gradients are summed; no gradient crosses a segment boundary.
    public var segment: Int?

    public init(batch: Int = 1, window: Int = 100, schedule: LevelSchedule = .highest, segment: Int? = nil) {
        self.batch = max(1, batch)
        self.window = max(1, window)
        self.schedule = schedule
        self.segment = segment.map { max(1, $0) }
    }
}

/// How a run chooses each episode's level.
public enum LevelSchedule: Sendable, Equatable, CustomStringConvertible {
    /// Every episode at the task's highest level.
    case highest
    /// Every level of the task equally often.
    case uniform
    /// `Curriculum`: uniform up to h, h doubling when the window's mean loss per answer bit is below `threshold`.
    case curriculum(threshold: Double)

    public var description: String {
        switch self {
        case .highest: "highest"
        case .uniform: "uniform"
        case let .curriculum(threshold): "curriculum (threshold \(threshold) nats per answer bit)"
        }
    }

    func curriculum(_ levels: ClosedRange<Int>, window: Int) -> Curriculum {
        switch self {
        case .highest: .fixed(levels.upperBound)
        case .uniform: .uniform(levels)
        case let .curriculum(threshold): Curriculum(levels: levels, window: window, threshold: threshold)
        }
    }
}

/// Where a run stands: enough, with the parameters and the optimiser's state, to continue it bit
/// for bit (checkpoints are taken at window ends).
public struct TrainingState: Codable, Sendable, Equatable {
    public internal(set) var iteration = 0
    /// The episode generator's state (levels and episodes are drawn from it).
    public internal(set) var generator: UInt64
    public internal(set) var curriculum: Curriculum
    public internal(set) var points: [TrainingPoint] = []
}

/// Trains a model on a `SequenceTask`: each iteration runs B episodes, each from M_0 (`reset`),
/// a training forward and the hand-written backward; the B gradients are averaged, then one
/// optimiser step (which clips the global norm).
public final class Trainer<Scalar: ModelScalar> {
    public let model: any MemoryModel<Scalar>
    public let task: any SequenceTask
    public let optimiser: any Optimiser<Scalar>
    public let settings: TrainingSettings
    public internal(set) var state: TrainingState
    private var sum: [Scalar]

    public init(model: any MemoryModel<Scalar>, task: any SequenceTask, optimiser: any Optimiser<Scalar>,
                settings: TrainingSettings, seed: UInt64) {
        self.model = model
        self.task = task
        self.optimiser = optimiser
        self.settings = settings
        state = TrainingState(generator: seed, curriculum: settings.schedule.curriculum(task.levels, window: settings.window))
        sum = Array(repeating: 0, count: model.parameters.totalCount)
    }

    /// Trains until `iterations` steps have been taken. `inspect` sees each iteration's averaged
    /// gradient before the optimiser step (diagnostics; it must not change the store). After each
    /// window: `measure` (e.g. the index's recall) fills the point's `recall`, then `progress`, then `checkpoint`.
    /// - Throws: `ConfigurationError` for an episode the model cannot take; `NonFiniteValue` at the
    ///   first non-finite output, loss, gradient or parameter (before any checkpoint of that window).
@_specialize(where Scalar == Float)
    public func run(until iterations: Int, inspect: (ParameterStore<Scalar>) -> Void = { _ in },
                    measure: (any MemoryModel<Scalar>) -> Double? = { _ in nil },
                    progress: (TrainingPoint) -> Void = { _ in },
                    checkpoint: (Trainer<Scalar>) throws -> Void = { _ in }) throws {
        let store = model.parameters, b = settings.batch
        var rng = SeededGenerator(seed: state.generator)
        var loss = 0.0, errors = 0, inWindow = 0
        while state.iteration < iterations {
            for i in sum.indices { sum[i] = 0 }
            var iterationLoss = 0.0, answerBits = 0.0
            for s in 0..<b {
                let number = state.iteration * b + s + 1
                let level = state.curriculum.draw(using: &rng)
                let episode: Episode<Scalar> = try task.episode(model.configuration, level: level, using: &rng)
                model.reset()
                var outputs: [Scalar] = []
                outputs.reserveCapacity(episode.targets.count)
                for part in try episode.segments(of: settings.segment ?? episode.steps, model.configuration) {
                    let result = try model.forward(part, mode: .training, replay: nil)
                    if let bad = NonFiniteValue.inForward(result, outputSize: task.outputSize, episode: number) { throw bad }
                    _ = try model.backward(outputGradient: nil)
                    if let bad = NonFiniteValue.inParameters(store, gradients: true, episode: number) { throw bad }
                    for i in sum.indices { sum[i] += store.gradients[i] }
                    iterationLoss += Double(result.loss)
                    outputs += result.outputs
                }
                answerBits += Double(task.outputSize) * episode.mask.reduce(0) { $0 + Double($1) }
                errors += wrongBits(outputs, episode)
            }
            let scale = 1 / Scalar(b)
            for i in sum.indices { store.gradients[i] = sum[i] * scale }
            inspect(store)
            optimiser.step(store)
            let episodes = (state.iteration + 1) * b
            if let bad = NonFiniteValue.inParameters(store, gradients: false, episode: episodes) { throw bad }
            state.iteration += 1
            state.curriculum.record(lossPerBit: iterationLoss / max(1, answerBits))
            loss += iterationLoss / Double(b)
            inWindow += 1
            if inWindow == settings.window || state.iteration == iterations {
                var point = TrainingPoint(iteration: state.iteration, episode: episodes, loss: loss / Double(inWindow),
                                          bitErrors: Double(errors) / Double(inWindow * b), level: state.curriculum.ceiling)
                point.recall = measure(model)
                state.points.append(point)
                state.generator = rng.state
                progress(point)
                try checkpoint(self)
                loss = 0; errors = 0; inWindow = 0
            }
        }
        state.generator = rng.state
    }
}

/// Trains a model on the copy task at its full length, batch 1 (the first `samkit train`).
public struct CopyTrainer<Scalar: ModelScalar> {
    public let task: CopyTask
    public let episodes: Int
    /// Episodes averaged into one `TrainingPoint`.
    public let window: Int
    public let seed: UInt64

    public init(task: CopyTask, episodes: Int, window: Int, seed: UInt64) {
        self.task = task
        self.episodes = episodes
        self.window = max(1, window)
        self.seed = seed
    }

    /// Runs the training; `progress` is called after each window.
    public func train(_ model: some MemoryModel<Scalar>, optimiser: some Optimiser<Scalar>,
                      progress: (TrainingPoint) -> Void = { _ in }) throws -> [TrainingPoint] {
        let trainer = Trainer<Scalar>(model: model, task: task, optimiser: optimiser,
                                      settings: TrainingSettings(batch: 1, window: window), seed: seed)
        try trainer.run(until: max(1, episodes), progress: progress)
        return trainer.state.points
    }
}
