import Testing
import MemoryModels
import SAMNumerics
import Training

/// The generators' shapes, masks and answers on small hand-written cases.
@Suite struct TaskTests {
    @Test func copyAnswersThePatternsAfterTheDelimiter() {
        let task = CopyTask(bits: 2, length: 5)
        let s = task.layout([[1, 0], [0, 1]])
        #expect(s.steps == 5)
        // X = 3: bits, then delimiter.
        #expect(s.inputs == [1, 0, 0,  0, 1, 0,  0, 0, 1,  0, 0, 0,  0, 0, 0])
        #expect(s.targets == [0, 0,  0, 0,  0, 0,  1, 0,  0, 1])
        #expect(s.mask == [0, 0, 0, 1, 1])
    }

    @Test func recallAnswersTheItemAfterTheQuery() {
        let task = AssociativeRecallTask(bits: 2, itemLength: 1, maxItems: 4)
        // Three items of one vector; query the second: the answer is the third.
        let s = task.layout(items: [[[1, 0]], [[0, 1]], [[1, 1]]], query: 1)
        #expect(s.steps == task.steps(level: 3) && s.steps == 10)
        // X = 4: bits, item delimiter, query delimiter.
        #expect(s.inputs == [0, 0, 1, 0,  1, 0, 0, 0,  0, 0, 1, 0,  0, 1, 0, 0,  0, 0, 1, 0,  1, 1, 0, 0,
                             0, 0, 0, 1,  0, 1, 0, 0,  0, 0, 0, 1,  0, 0, 0, 0])
        #expect(s.mask == [0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
        #expect(Array(s.targets[18..<20]) == [1, 1])
        #expect(s.targets[0..<18].allSatisfy { $0 == 0 })
    }

    @Test func sortAnswersTheTopVectorsByPriority() {
        let task = PrioritySortTask(bits: 2, maxVectors: 5)
        // Five vectors: ⌈4·5/5⌉ = 4 answers, highest priority first; the lowest (0.1 → [0, 0]) is dropped.
        let s = task.layout(vectors: [[0, 0], [1, 0], [0, 1], [1, 1], [1, 0]], priorities: [-0.9, 0.5, 0.9, -0.2, 0.1])
        #expect(s.steps == 5 + 1 + 4)
        #expect(s.mask == [0, 0, 0, 0, 0, 0, 1, 1, 1, 1])
        #expect(Array(s.targets[12...]) == [0, 1,  1, 0,  1, 0,  1, 1])
        #expect(s.inputs[2] == -0.9 && s.inputs[4 + 2] == 0.5)   // priority channel
        #expect(s.inputs[5 * 4 + 3] == 1)                         // delimiter after the inputs
    }

    @Test(arguments: TaskKind.allCases) func seededEpisodesHaveTheDocumentedShapes(_ kind: TaskKind) throws {
        let task = kind.make(bits: 3, maxLevel: 6)
        var rng = SeededGenerator(seed: 9), again = SeededGenerator(seed: 9)
        for level in task.levels {
            let s = task.sample(level: level, using: &rng)
            #expect(s == task.sample(level: level, using: &again))   // seeded
            #expect(s.steps == task.steps(level: level))
            #expect(s.inputs.count == s.steps * task.inputSize && s.targets.count == s.steps * task.outputSize)
            #expect(s.targets.allSatisfy { $0 == 0 || $0 == 1 })
            // Targets only on masked steps, and the masked steps are the last ones.
            let answers = Int(s.mask.reduce(0, +))
            #expect(answers > 0 && s.mask.suffix(answers).allSatisfy { $0 == 1 })
            for t in 0..<s.steps where s.mask[t] == 0 {
                #expect(s.targets[(t * task.outputSize)..<((t + 1) * task.outputSize)].allSatisfy { $0 == 0 })
            }
        }
        let c = try ModelConfiguration(memoryWords: 8, wordSize: 4, heads: 1, neighbours: 2, hidden: 4,
                                       inputSize: task.inputSize, outputSize: task.outputSize)
        let e: Episode<Float> = try task.episode(c, level: task.levels.upperBound, using: &rng)
        #expect(e.steps == task.steps(level: task.levels.upperBound))
    }

    @Test func curriculumDoublesTheCeilingBelowTheThreshold() {
        var c = Curriculum(levels: 1...10, window: 3, threshold: 0.1)
        #expect(c.ceiling == 1)
        #expect(!c.record(lossPerBit: 0.05) && !c.record(lossPerBit: 0.05))
        #expect(c.record(lossPerBit: 0.05) && c.ceiling == 2)
        for _ in 0..<3 { c.record(lossPerBit: 0.5) }
        #expect(c.ceiling == 2)   // a window above the threshold keeps h
        for _ in 0..<9 { c.record(lossPerBit: 0) }
        #expect(c.ceiling == 10)  // 2 → 4 → 8 → 10 (capped)
        var rng = SeededGenerator(seed: 1)
        let drawn = Set((0..<200).map { _ in c.draw(using: &rng) })
        #expect(drawn == Set(1...10))
    }
}
