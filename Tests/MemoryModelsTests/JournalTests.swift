import Testing
import PropertyBased
import PropertySupport
@_spi(FaultInjection) import MemoryModels
import SAMNumerics

/// SPEC "Backward pass and memory: journaled rollback".
@Suite struct JournalTests {
    func configuration(seed: UInt64, n: Int = 16) throws -> ModelConfiguration {
        try Fixture.configuration(n: n, w: 3, r: 2, k: 3, seed: seed)
    }

    /// After backward, memory equals memory after forward, bit for bit; and again after a second backward.
    @Test func backwardLeavesMemoryAtMTBitForBit() async {
        await SeededProperty.forAll(count: 40, input: Gen.int(in: 1...8), Gen.uint64(in: 0...1_000_000)) { t, seed in
            let c = try configuration(seed: seed)
            let sam = try SAM<Double>(configuration: c)
            let episode = try Episode<Double>.random(configuration: c, steps: t, seed: seed)
            _ = try sam.forward(episode)
            let afterForward = sam.memory.snapshot()
            _ = try sam.backward()
            #expect(sam.memory.snapshot() == afterForward)
            let first = Array(sam.parameters.gradients)
            _ = try sam.backward()
            #expect(sam.memory.snapshot() == afterForward)
            #expect(Array(sam.parameters.gradients) == first, "backward twice gives bit-identical gradients")
        }
    }

    /// During backward, at step t memory equals M_t, taken from a test-only snapshot after each
    /// step of the same forward run one step at a time.
    @Test func duringBackwardMemoryIsMt() throws {
        let c = try configuration(seed: 5)
        let t = 6
        let episode = try Episode<Double>.random(configuration: c, steps: t, seed: 5)
        let stepwise = try SAM<Double>(configuration: c)
        var snapshots: [[Double]] = []
        for s in 0..<t {
            let one = try Episode<Double>(configuration: c,
                                          inputs: Array(episode.inputs[(s * c.inputSize)..<((s + 1) * c.inputSize)]),
                                          targets: Array(episode.targets[(s * c.outputSize)..<((s + 1) * c.outputSize)]))
            _ = try stepwise.forward(one)
            snapshots.append(stepwise.memory.snapshot())
        }
        let sam = try SAM<Double>(configuration: c)
        _ = try sam.forward(episode)
        #expect(sam.memory.snapshot() == snapshots[t - 1])
        var visited: [Int] = []
        sam.onBackwardStep = { step in
            visited.append(step)
            #expect(sam.memory.snapshot() == snapshots[step], "memory at step \(step + 1) of backward")
        }
        _ = try sam.backward()
        #expect(visited == Array((0..<t).reversed()))
    }

    /// A truncated-BPTT segment continues from the right state after backward.
    @Test func nextSegmentContinuesFromMT() throws {
        let c = try configuration(seed: 9)
        let a = try SAM<Double>(configuration: c), b = try SAM<Double>(configuration: c)
        let first = try Episode<Double>.random(configuration: c, steps: 4, seed: 1)
        let second = try Episode<Double>.random(configuration: c, steps: 3, seed: 2)
        _ = try a.forward(first); _ = try a.backward()
        _ = try b.forward(first)
        #expect(try a.forward(second).loss == (try b.forward(second).loss))
        #expect(a.memory.snapshot() == b.memory.snapshot())
    }

    /// Inference keeps no journal and no tape; backward then refuses with a named error.
    @Test func inferenceKeepsNoRecord() throws {
        let c = try configuration(seed: 3)
        let sam = try SAM<Double>(configuration: c), dam = DAM<Double>(configuration: c)
        let episode = try Episode<Double>.random(configuration: c, steps: 5, seed: 3)
        _ = try sam.forward(episode, mode: .inference)
        _ = try dam.forward(episode, mode: .inference)
        #expect(sam.backwardRecordBytes == 0)
        #expect(dam.backwardRecordBytes == 0)
        #expect(throws: ConfigurationError.self) { try sam.backward() }
        #expect(throws: ConfigurationError.self) { try dam.backward() }
        let training = try SAM<Double>(configuration: c)
        #expect(try training.forward(episode, mode: .training).loss == (try SAM<Double>(configuration: c).forward(episode, mode: .inference).loss))
        #expect(training.backwardRecordBytes > 0)
    }
}
