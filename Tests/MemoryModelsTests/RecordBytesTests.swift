import Testing
import MemoryModels
import SAMNumerics

/// Backward-record bytes per step: SAM's are independent of N, DAM's grow in proportion to N.
@Suite struct RecordBytesTests {
    func bytesPerStep(_ model: some MemoryModel<Float>, steps: Int) throws -> Int {
        let episode = try Episode<Float>.random(configuration: model.configuration, steps: steps, seed: 1)
        _ = try model.forward(episode)
        return model.backwardRecordBytes / steps
    }

    func configuration(n: Int) throws -> ModelConfiguration {
        try ModelConfiguration(memoryWords: n, wordSize: 8, heads: 2, neighbours: 3, hidden: 10, inputSize: 4, outputSize: 4)
    }

    @Test func samBytesPerStepDoNotDependOnN() throws {
        let small = try bytesPerStep(try SAM<Float>(configuration: configuration(n: 64)), steps: 10)
        let large = try bytesPerStep(try SAM<Float>(configuration: configuration(n: 4096)), steps: 10)
        #expect(small == large)
        #expect(small > 0)
    }

    @Test func damBytesPerStepGrowInProportionToN() throws {
        let small = try bytesPerStep(DAM<Float>(configuration: configuration(n: 64)), steps: 3)
        let large = try bytesPerStep(DAM<Float>(configuration: configuration(n: 4096)), steps: 3)
        // DAM's per-step record is a + b·N with b·N dominant: the memory copy and the R dense weightings.
        let perRow = Double(large - small) / Double(4096 - 64)
        #expect(perRow == Double((8 + 2 * 2) * MemoryLayout<Float>.stride))
        #expect(Double(large) / Double(small) > 40)
    }
}
