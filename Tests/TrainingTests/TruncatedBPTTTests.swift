import Testing
import MemoryModels
import SAMNumerics
import Training

/// Truncated BPTT (`TrainingSettings.segment`, `Episode.segments(of:_:)`): the segments partition
/// the episode, running them one after another computes the same forward as the whole episode, and
/// a segment as long as the episode trains exactly as no truncation.
@Suite struct TruncatedBPTTTests {
    let task = CopyTask(bits: 3, length: 3)

    func configuration() throws -> ModelConfiguration {
        try ModelConfiguration(memoryWords: 16, wordSize: 8, heads: 2, neighbours: 3, hidden: 20,
                               inputSize: task.inputSize, outputSize: task.outputSize,
                               memoryInitialisation: .uniform(scale: 0.1, seed: 4), parameterSeed: 4)
    }

    func episode(_ c: ModelConfiguration) throws -> Episode<Double> {
        var rng = SeededGenerator(seed: 9)
        return try task.episode(c, using: &rng)
    }

    @Test func segmentsPartitionTheEpisode() throws {
        let c = try configuration(), e = try episode(c)
        #expect(e.steps == 7)
        let parts = try e.segments(of: 3, c)
        #expect(parts.map(\.steps) == [3, 3, 1])
        #expect(parts.flatMap(\.inputs) == e.inputs)
        #expect(parts.flatMap(\.targets) == e.targets)
        #expect(parts.flatMap(\.mask) == e.mask)
        #expect(try e.segments(of: 7, c).count == 1)
        #expect(throws: ConfigurationError.self) { try e.segments(of: 0, c) }
    }

    /// The forward of the segments, each followed by its backward, equals the forward of the whole
    /// episode bit for bit: the backward leaves the state as the forward left it, and the next
    /// segment starts from it. A backward that disturbed the memory or the ring would fail this.
    @Test(arguments: [false, true]) func segmentedForwardEqualsTheWholeForward(_ dense: Bool) throws {
        let c = try configuration(), e = try episode(c)
        let model: any MemoryModel<Double> = dense ? DAM<Double>(configuration: c) : try SAM<Double>(configuration: c)
        model.reset()
        let whole = try model.forward(e, mode: .training, replay: nil)
        model.reset()
        var outputs: [Double] = [], loss = 0.0
        for part in try e.segments(of: 2, c) {
            let r = try model.forward(part, mode: .training, replay: nil)
            _ = try model.backward(outputGradient: nil)
            outputs += r.outputs
            loss += r.loss
        }
        #expect(outputs == whole.outputs)
        #expect(abs(loss - whole.loss) <= 1e-12 * abs(whole.loss))
    }

    /// A segment of the episode's length is no truncation; a shorter one trains differently (its
    /// gradients stop at segment boundaries; on copy they then cannot reach the writes, which is
    /// why no learning claim is made for it here).
    @Test func segmentAsLongAsTheEpisodeIsNoTruncation() throws {
        let c = try configuration()
        func train(_ segment: Int?, iterations: Int) throws -> (TrainingState, [Float]) {
            let model = try SAM<Float>(configuration: c)
            let adam = Adam<Float>(parameterCount: model.parameters.totalCount, learningRate: 3e-3)
            let trainer = Trainer<Float>(model: model, task: task, optimiser: adam,
                                         settings: TrainingSettings(batch: 2, window: 20, segment: segment), seed: 6)
            try trainer.run(until: iterations)
            return (trainer.state, Array(model.parameters.values))
        }
        let (plain, plainValues) = try train(nil, iterations: 20)
        let (long, longValues) = try train(7, iterations: 20)
        #expect(plain == long)
        #expect(plainValues == longValues)
        let (_, shortValues) = try train(2, iterations: 20)
        #expect(shortValues != plainValues)
    }
}
