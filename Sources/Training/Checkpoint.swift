import Foundation
import MemoryModels
import OutputFiles
import SAMNumerics

/// A checkpoint that cannot be used: unreadable, corrupt, or of another run than the one asked for.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case corrupt(reason: String)
    case mismatch(field: String, checkpoint: String, requested: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): "checkpoint \(path) cannot be read: \(reason)"
        case let .corrupt(reason): "checkpoint is corrupt: \(reason) (valid: a checkpoint.json written by samkit train)"
        case let .mismatch(field, checkpoint, requested):
            "checkpoint mismatch: \(field) is \(checkpoint) in the checkpoint but \(requested) was requested (valid: the checkpoint's value, or train afresh without --resume)"
        }
    }
}

/// Everything a run is that a resumed run must share: the model, the task and the optimiser's
/// settings (not the iteration budget, which a resumed run may extend).
public struct RunDescription: Codable, Sendable, Equatable {
    public var task: TaskKind
    public var bits: Int
    public var maxLevel: Int
    public var model: String
    public var configuration: ModelConfiguration
    public var optimizer: OptimiserKind
    public var learningRate: Double
    public var clip: Double?
    public var batch: Int
    public var window: Int
    /// The level schedule (`LevelSchedule.description`).
    public var levels: String
    public var seed: UInt64
    /// Truncated BPTT's steps per segment (nil: whole episodes; absent in older checkpoints).
    public var segment: Int?

    public init(task: TaskKind, bits: Int, maxLevel: Int, model: String, configuration: ModelConfiguration,
                optimizer: OptimiserKind, learningRate: Double, clip: Double?, batch: Int, window: Int,
                levels: String, seed: UInt64, segment: Int? = nil) {
        self.task = task
        self.bits = bits
        self.maxLevel = maxLevel
        self.model = model
        self.configuration = configuration
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.clip = clip
        self.batch = batch
        self.window = window
        self.levels = levels
        self.seed = seed
        self.segment = segment
    }

    /// The first field that differs from `other`, named, with both values (nil: none differs).
    public func firstDifference(from other: RunDescription) -> (field: String, mine: String, theirs: String)? {
        for (a, b) in zip(Mirror(reflecting: self).children, Mirror(reflecting: other).children) {
            let x = String(describing: a.value), y = String(describing: b.value)
            if x != y { return (a.label ?? "?", x, y) }
        }
        return nil
    }
}

/// A training checkpoint: the run, its state (iteration, generator, curriculum, curve), the
/// parameters and the optimiser's buffers, all scalars kept by bit pattern (`ExactScalars`).
public struct Checkpoint: Codable, Sendable, Equatable {
    public static let currentFormat = "samkit-train-checkpoint-1"
    public let format: String
    public let run: RunDescription
    public let state: TrainingState
    public let parameters: ExactScalars
    public let optimiser: OptimiserState

    /// Captures `trainer` (between iterations).
    public init<S: ModelScalar>(run: RunDescription, trainer: Trainer<S>) {
        format = Self.currentFormat
        self.run = run
        state = trainer.state
        parameters = ExactScalars(trainer.model.parameters.values)
        optimiser = trainer.optimiser.state
    }

    /// The JSON bytes of the checkpoint.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// Decodes `data`; anything that is not a whole checkpoint of this format is `corrupt`.
    public static func decode(_ data: Data) throws(CheckpointError) -> Checkpoint {
        let checkpoint: Checkpoint
        do { checkpoint = try JSONDecoder().decode(Checkpoint.self, from: data) } catch {
            throw .corrupt(reason: InputErrorText.describe(error, input: data))
        }
        guard checkpoint.format == currentFormat else {
            throw .corrupt(reason: "format '\(checkpoint.format)', expected '\(currentFormat)'")
        }
        return checkpoint
    }

    /// Reads and decodes the file at `path`.
    public static func read(_ path: String) throws(CheckpointError) -> Checkpoint {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return try decode(data)
    }

    /// Puts the parameters, the optimiser's state and the run's state into `trainer`, after
    /// checking that the checkpoint is of `run`.
    public func restore<S: ModelScalar>(into trainer: Trainer<S>, run expected: RunDescription) throws(CheckpointError) {
        if let d = run.firstDifference(from: expected) {
            throw .mismatch(field: d.field, checkpoint: d.mine, requested: d.theirs)
        }
        let store = trainer.model.parameters
        guard parameters.values.count == store.totalCount else {
            throw .corrupt(reason: "\(parameters.values.count) parameters, the model has P = \(store.totalCount)")
        }
        guard state.iteration >= 0, state.points.allSatisfy({ $0.iteration <= state.iteration }) else {
            throw .corrupt(reason: "iteration \(state.iteration) is before its own curve's points")
        }
        try trainer.optimiser.restore(optimiser)
        parameters.copy(into: store.values)
        trainer.state = state
    }

    /// Loads only the parameters into `store` (e.g. `verify --parameters`).
    public func loadParameters<S: ModelScalar>(into store: ParameterStore<S>) throws(CheckpointError) {
        guard parameters.values.count == store.totalCount else {
            throw .mismatch(field: "parameter count P", checkpoint: "\(parameters.values.count)", requested: "\(store.totalCount)")
        }
        parameters.copy(into: store.values)
    }
}
