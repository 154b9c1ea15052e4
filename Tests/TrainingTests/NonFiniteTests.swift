import Testing
import MemoryModels
import SAMNumerics
import Training

/// A run that diverges stops at the first non-finite value, naming episode, step and quantity;
/// a healthy run is not stopped (the check has no false alarm here).
@Suite struct NonFiniteTests {
    func run(learningRate: Float, dense: Bool) throws -> [TrainingPoint] {
        let task = CopyTask(bits: 3, length: 2)
        let c = try ModelConfiguration(memoryWords: 16, wordSize: 8, heads: 1, neighbours: 4, hidden: 16,
                                       inputSize: task.inputSize, outputSize: task.outputSize,
                                       memoryInitialisation: .uniform(scale: 0.1, seed: 3), parameterSeed: 3)
        let model: any MemoryModel<Float> = dense ? DAM<Float>(configuration: c) : try SAM<Float>(configuration: c)
        let adam = Adam<Float>(parameterCount: model.parameters.totalCount, learningRate: learningRate)
        return try CopyTrainer<Float>(task: task, episodes: 20, window: 10, seed: 5).train(model, optimiser: adam)
    }

    @Test(arguments: [false, true]) func divergenceStopsTheRun(dense: Bool) throws {
        do {
            _ = try run(learningRate: 1e30, dense: dense)
            Issue.record("a learning rate of 1e30 trained 20 episodes without a non-finite value")
        } catch let error as NonFiniteValue {
            #expect(error.episode >= 1 && error.episode <= 20)
            #expect(!error.value.isFinite)
            #expect(error.description.contains("episode \(error.episode)"))
        }
    }

    @Test func healthyRunIsNotStopped() throws {
        #expect(try run(learningRate: 1e-3, dense: false).count == 2)
    }
}
