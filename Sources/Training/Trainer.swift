import MemoryModels
import SAMNumerics

/// Mean loss and bit errors over a window of training episodes.
public struct TrainingPoint: Codable, Sendable, Equatable {
    /// Episodes trained so far (the end of the window).
    public let episode: Int
    /// Mean loss per episode over the window (summed over masked steps and output units).
    public let loss: Double
    /// Mean wrong bits per sequence over the window.
    public let bitErrors: Double
}

/// Trains a model on the copy task: each episode starts from M_0 (`reset`), runs a training
/// forward, the hand-written backward, and one Adam step.
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
    /// - Throws: `ConfigurationError` for an episode the model cannot take; `NonFiniteValue` at the
    ///   first non-finite output, loss, gradient or parameter.
    public func train(_ model: some MemoryModel<Scalar>, optimiser: Adam<Scalar>,
                      progress: (TrainingPoint) -> Void = { _ in }) throws -> [TrainingPoint] {
        var rng = SeededGenerator(seed: seed)
        var points: [TrainingPoint] = []
        var loss = 0.0, errors = 0, inWindow = 0
        for e in 1...max(1, episodes) {
            let episode: Episode<Scalar> = try task.episode(model.configuration, using: &rng)
            model.reset()
            let result = try model.forward(episode, mode: .training, replay: nil)
            if let bad = NonFiniteValue.inForward(result, outputSize: model.configuration.outputSize, episode: e) { throw bad }
            _ = try model.backward(outputGradient: nil)
            if let bad = NonFiniteValue.inParameters(model.parameters, gradients: true, episode: e) { throw bad }
            optimiser.step(model.parameters)
            if let bad = NonFiniteValue.inParameters(model.parameters, gradients: false, episode: e) { throw bad }
            loss += Double(result.loss)
            errors += task.bitErrors(result.outputs, episode)
            inWindow += 1
            if inWindow == window || e == episodes {
                let point = TrainingPoint(episode: e, loss: loss / Double(inWindow), bitErrors: Double(errors) / Double(inWindow))
                points.append(point)
                progress(point)
                loss = 0; errors = 0; inWindow = 0
            }
        }
        return points
    }
}
