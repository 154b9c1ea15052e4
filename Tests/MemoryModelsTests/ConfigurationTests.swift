import Testing
import MemoryModels
import NearestNeighbours
import SAMNumerics
import Foundation

/// Each bad configuration or input is rejected with an error naming the field, the value and the range.
@Suite struct ConfigurationTests {
    func field(_ make: () throws -> Void) -> String? {
        do { try make() } catch let error as ConfigurationError {
            if case let .outOfRange(field, _, _) = error { return field }
        } catch {}
        return nil
    }

    @Test func badSizesAreNamed() {
        #expect(field { _ = try ModelConfiguration(memoryWords: 0) } == "memoryWords (N)")
        #expect(field { _ = try ModelConfiguration(wordSize: -3) } == "wordSize (W)")
        #expect(field { _ = try ModelConfiguration(heads: 0) } == "heads (R)")
        #expect(field { _ = try ModelConfiguration(hidden: 0) } == "hidden (H)")
        #expect(field { _ = try ModelConfiguration(inputSize: 0) } == "inputSize (X)")
        #expect(field { _ = try ModelConfiguration(outputSize: -1) } == "outputSize (Y)")
        #expect(field { _ = try ModelConfiguration(memoryWords: 8, neighbours: 9) } == "neighbours (K)")
        #expect(field { _ = try ModelConfiguration(memoryWords: 2, heads: 3, neighbours: 1) } == "heads (R)")
    }

    @Test func badNumbersAreNamed() {
        #expect(field { _ = try ModelConfiguration(accessThreshold: 1) } == "accessThreshold (δ)")
        #expect(field { _ = try ModelConfiguration(accessThreshold: -0.1) } == "accessThreshold (δ)")
        #expect(field { _ = try ModelConfiguration(accessThreshold: .nan) } == "accessThreshold (δ)")
        #expect(field { _ = try ModelConfiguration(epsilon: .infinity) } == "epsilon (ε)")
        #expect(field { _ = try ModelConfiguration(epsilon: 0) } == "epsilon (ε)")
        #expect(field { _ = try ModelConfiguration(memoryInitialisation: .uniform(scale: .nan, seed: 1)) }
            == "memoryInitialisation.scale")
        #expect(field { _ = try ModelConfiguration(parameterScale: 0) } == "parameterScale")
        #expect(field { _ = try ModelConfiguration(indexSettings: IndexSettings(trees: 0)) } == "indexSettings")
    }

    @Test func messageNamesValueAndRange() {
        do {
            _ = try ModelConfiguration(memoryWords: 8, neighbours: 9)
            Issue.record("accepted K > N")
        } catch {
            #expect(error.description == "neighbours (K) = 9 is out of range (valid: 1...N = 1...8)")
        }
    }

    @Test func badEpisodesAreNamed() throws {
        let c = try ModelConfiguration(memoryWords: 8, wordSize: 2, heads: 1, neighbours: 2, hidden: 2, inputSize: 3, outputSize: 2)
        #expect(field { _ = try Episode<Double>(configuration: c, inputs: [1, 2], targets: [0, 1]) } == "inputs")
        #expect(field { _ = try Episode<Double>(configuration: c, inputs: [1, 2, 3], targets: [0]) } == "targets")
        #expect(field { _ = try Episode<Double>(configuration: c, inputs: [1, 2, 3], targets: [0, 1], mask: [1, 1]) } == "mask")
        #expect(field { _ = try Episode<Double>(configuration: c, inputs: [1, .nan, 3], targets: [0, 1]) } == "inputs[1]")
        #expect(field { _ = try Episode<Double>(configuration: c, inputs: [1, 2, 3], targets: [0, .infinity]) } == "targets[1]")
        #expect(field { _ = try Episode<Double>(configuration: c, inputs: [1, 2, 3], targets: [0, 1], mask: [0.5]) } == "mask[0]")
    }

    @Test func episodeOfAnotherConfigurationIsRejected() throws {
        let c = try ModelConfiguration(memoryWords: 8, wordSize: 2, heads: 1, neighbours: 2, hidden: 2, inputSize: 3, outputSize: 2)
        let other = try ModelConfiguration(memoryWords: 8, wordSize: 2, heads: 1, neighbours: 2, hidden: 2, inputSize: 4, outputSize: 2)
        let episode = try Episode<Double>.random(configuration: other, steps: 3, seed: 1)
        #expect(field { _ = try SAM<Double>(configuration: c).forward(episode) } == "episode")
        #expect(field { _ = try DAM<Double>(configuration: c).forward(episode) } == "episode")
    }

    @Test func badReplayIsNamed() throws {
        let c = try ModelConfiguration(memoryWords: 8, wordSize: 2, heads: 1, neighbours: 2, hidden: 2, inputSize: 3, outputSize: 2)
        let episode = try Episode<Double>.random(configuration: c, steps: 1, seed: 1)
        let bad = RecordedDecisions(steps: [StepDecisions(leastUsed: [9], selected: [[0, 1]])])
        #expect(field { _ = try SAM<Double>(configuration: c).forward(episode, mode: .training, replay: bad) }
            == "replay.steps[0].leastUsed")
        let wrongK = RecordedDecisions(steps: [StepDecisions(leastUsed: [0], selected: [[0, 1, 2]])])
        #expect(field { _ = try SAM<Double>(configuration: c).forward(episode, mode: .training, replay: wrongK) }
            == "replay.steps[0].selected")
    }

    @Test func decodingRevalidates() throws {
        let json = #"{"memoryWords":4,"wordSize":2,"heads":1,"neighbours":5,"hidden":2,"inputSize":1,"outputSize":1,"accessThreshold":0.005,"epsilon":1e-6,"memoryInitialisation":{"zeros":{}},"index":"exact","indexSettings":{"trees":4,"checks":32,"lshTables":8,"lshBits":12,"seed":1},"loss":"sigmoid-cross-entropy","parameterSeed":1,"parameterScale":1}"#
        #expect(throws: ConfigurationError.self) {
            _ = try JSONDecoder().decode(ModelConfiguration.self, from: Data(json.utf8))
        }
    }
}
