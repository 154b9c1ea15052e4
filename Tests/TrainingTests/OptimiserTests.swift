import Testing
import MemoryModels
import SAMNumerics
import Training

/// Global-norm clipping and RMSProp's first steps, computed by hand.
@Suite struct OptimiserTests {
    func store() throws -> ParameterStore<Double> {
        ParameterStore<Double>(configuration: try ModelConfiguration(memoryWords: 4, wordSize: 2, heads: 1, neighbours: 2,
                                                                     hidden: 2, inputSize: 2, outputSize: 1))
    }

    @Test func clippingScalesToTheGlobalNorm() throws {
        let s = try store()
        for i in s.gradients.indices { s.gradients[i] = i.isMultiple(of: 2) ? 3 : -4 }
        let before = Array(s.gradients)
        let norm = clipGlobalNorm(s.gradients, to: 1)
        #expect(abs(norm - before.map { $0 * $0 }.reduce(0, +).squareRoot()) < 1e-12)
        let after = s.gradients.map { $0 * $0 }.reduce(0, +).squareRoot()
        #expect(abs(after - 1) < 1e-12)
        #expect(zip(before, s.gradients).allSatisfy { abs($0 / norm - $1) < 1e-15 })   // direction kept
        #expect(clipGlobalNorm(s.gradients, to: 10) <= 1 + 1e-12)                     // below the cap: unchanged
    }

    @Test func rmspropFollowsItsRecurrence() throws {
        let s = try store()
        s.values.update(repeating: 0)
        let rms = RMSProp<Double>(parameterCount: s.totalCount, learningRate: 0.1, decay: 0.5, momentum: 0.5,
                                  epsilon: 0, clipNorm: nil)
        s.gradients.update(repeating: 2)
        rms.step(s)   // v = 0.5·4 = 2, m = 0.1·2/√2 = 0.1414, θ = −0.1414
        #expect(s.values.allSatisfy { abs($0 + 0.2 / 2.0.squareRoot()) < 1e-12 })
        rms.step(s)   // v = 3, m = 0.5·0.1414 + 0.2/√3, θ −= m
        let m1 = 0.2 / 2.0.squareRoot(), m2 = 0.5 * m1 + 0.2 / 3.0.squareRoot()
        #expect(s.values.allSatisfy { abs($0 + m1 + m2) < 1e-12 })
        #expect(rms.steps == 2 && rms.state.kind == .rmsprop)
    }

    @Test(arguments: OptimiserKind.allCases) func stateRestoresExactly(_ kind: OptimiserKind) throws {
        let s = try store()
        let a: any Optimiser<Double> = kind.make(parameterCount: s.totalCount, learningRate: 0.01, clipNorm: 1)
        for i in s.gradients.indices { s.gradients[i] = Double(i) * 0.37 - 1 }
        a.step(s); a.step(s)
        let b: any Optimiser<Double> = kind.make(parameterCount: s.totalCount, learningRate: 0.01, clipNorm: 1)
        try b.restore(a.state)
        #expect(b.state == a.state)
        let other: OptimiserKind = kind == .adam ? .rmsprop : .adam
        #expect(throws: CheckpointError.self) {
            try other.make(parameterCount: s.totalCount, learningRate: 0.01 as Double, clipNorm: nil).restore(a.state)
        }
    }
}
