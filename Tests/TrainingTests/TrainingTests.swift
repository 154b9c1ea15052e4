import Testing
import MemoryModels
import SAMNumerics
import Training

/// Training with the hand-written gradients lowers the copy-task loss (a wrong gradient sign or a
/// broken optimiser would not); no timing is asserted.
@Suite struct TrainingTests {
    func configuration(_ task: CopyTask) throws -> ModelConfiguration {
        try ModelConfiguration(memoryWords: 16, wordSize: 8, heads: 1, neighbours: 4, hidden: 24,
                               inputSize: task.inputSize, outputSize: task.outputSize,
                               memoryInitialisation: .uniform(scale: 0.1, seed: 3), parameterSeed: 3)
    }

    @Test func copyEpisodeHasTheTaskShape() throws {
        let task = CopyTask(bits: 3, length: 2)
        var rng = SeededGenerator(seed: 1)
        let e: Episode<Double> = try task.episode(try configuration(task), using: &rng)
        #expect(e.steps == 5)
        #expect(e.mask == [0, 0, 0, 1, 1])
        #expect(e.inputs[2 * 4 + 3] == 1)                          // delimiter at step 3
        #expect(Array(e.targets[9..<12]) == Array(e.inputs[0..<3]))   // first pattern answered at step 4
    }

    @Test(arguments: [false, true]) func trainingLowersTheLoss(_ dense: Bool) throws {
        let task = CopyTask(bits: 3, length: 2)
        let c = try configuration(task)
        let model: any MemoryModel<Float> = dense ? DAM<Float>(configuration: c) : try SAM<Float>(configuration: c)
        let adam = Adam<Float>(parameterCount: model.parameters.totalCount, learningRate: 3e-3)
        let points = try CopyTrainer<Float>(task: task, episodes: 300, window: 50, seed: 5).train(model, optimiser: adam)
        print("copy training (\(dense ? "DAM" : "SAM")): loss \(points.map { ($0.loss * 1000).rounded() / 1000 })")
        #expect(points.count == 6)
        #expect(points.last!.loss < 0.8 * points.first!.loss)
    }

    @Test func adamClipsTheGradientNorm() throws {
        let c = try configuration(CopyTask(bits: 2, length: 1))
        let store = ParameterStore<Double>(configuration: c)
        for i in store.gradients.indices { store.gradients[i] = 100 }
        let before = Array(store.values)
        let adam = Adam<Double>(parameterCount: store.totalCount, learningRate: 0.01, clipNorm: 1)
        let norm = adam.step(store)
        #expect(abs(norm - 100 * Double(store.totalCount).squareRoot()) < 1e-6 * norm)
        // Adam's first step moves every coordinate by about the learning rate, against the gradient sign.
        #expect(zip(before, store.values).allSatisfy { abs(($0 - $1) - 0.01) < 1e-6 })
    }
}
