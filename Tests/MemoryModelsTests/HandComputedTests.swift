import Testing
import MemoryModels
import SAMNumerics

/// N = 4, W = 2, R = 1, K = 2, three steps, worked by hand.
///
/// All weight matrices are zero, so the interface is its bias: q = (1, 0), a = (1, 2),
/// β̂ = α̂ = γ̂ = 0, i.e. β = 1 + log 2, α = γ = 1/2; output y = r[0]. M_0 = 0.
/// Every written row is then a multiple c·a of a, and s(c) = c·a₁ / (‖q‖_ε sqrt(c²‖a‖² + ε)),
/// which grows with c, so the hand ranking follows the coefficients c:
/// - t=1: u = 0 (ring 0 1 2 3). wW = α(1−γ)e₀ = ¼e₀ → M(0) = ¼a. S = {0, 1} (rows 1..3 tie at s = 0; lower index).
///   Accessed: 0 (written and read), 1 (read, w₁ > δ). Ring → 2 3 0 1.
/// - t=2: u = 2. wW = ¼w₀e₀ + ¼w₁e₁ + ¼e₂ → c = (¼ + ¼w₀, ¼w₁, ¼, 0). S = {0, 2}. Ring → 3 0 1 2.
/// - t=3: u = 3. wW = ¼v₀e₀ + ¼v₂e₂ + ¼e₃ → c = (c₀ + ¼v₀, ¼w₁, ¼ + ¼v₂, ¼). S = {0, 2}. Ring → 1 0 2 3.
@Suite struct HandComputedTests {
    let epsilon = 1e-6

    func model() throws -> SAM<Double> {
        let c = try ModelConfiguration(memoryWords: 4, wordSize: 2, heads: 1, neighbours: 2, hidden: 1, inputSize: 1,
                                       outputSize: 1, memoryInitialisation: .zeros)
        let sam = try SAM<Double>(configuration: c)
        let p = sam.parameters
        for i in p.values.indices { p.values[i] = 0 }
        p["lstm.b"][1] = 1                                   // forget-gate bias (irrelevant here)
        let xi = p["interface.b"]                            // q (2), β̂, a (2), α̂, γ̂
        xi[0] = 1; xi[1] = 0; xi[3] = 1; xi[4] = 2
        p["output.W"][1] = 1                                 // y = r[0]
        return sam
    }

    func similarity(_ coefficient: Double) -> Double {
        coefficient / ((1 + epsilon).squareRoot() * (coefficient * coefficient * 5 + epsilon).squareRoot())
    }

    func softmax(_ beta: Double, _ s: [Double]) -> [Double] {
        let e = s.map { Double.exp(beta * $0) }
        return e.map { $0 / e.reduce(0, +) }
    }

    @Test func threeStepsMatchTheHandComputation() throws {
        let sam = try model()
        let beta = 1 + Double.log(2.0)
        let episode = try Episode<Double>(configuration: sam.configuration, inputs: [0, 0, 0], targets: [0, 0, 0])
        let result = try sam.forward(episode)
        let decisions = sam.decisions.steps

        // Step 1.
        #expect(decisions[0].leastUsed == [0])
        let s1 = [similarity(0.25), 0]
        let w = softmax(beta, s1)
        let read1 = sam.readRecord(step: 0)[0]
        #expect(read1.rows == [0, 1])
        #expect(zip(read1.similarities, s1).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(zip(read1.weights, w).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(abs(result.outputs[0] - 0.25 * w[0]) < 1e-12)

        // Step 2.
        #expect(decisions[1].leastUsed == [2])
        let c2 = [0.25 + 0.25 * w[0], 0.25 * w[1], 0.25, 0]
        let s2 = [similarity(c2[0]), similarity(c2[2])]
        let v = softmax(beta, s2)
        let read2 = sam.readRecord(step: 1)[0]
        #expect(read2.rows == [0, 2])
        #expect(zip(read2.similarities, s2).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(zip(read2.weights, v).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(abs(result.outputs[1] - (v[0] * c2[0] + v[1] * c2[2])) < 1e-12)

        // Step 3.
        #expect(decisions[2].leastUsed == [3])
        let c3 = [c2[0] + 0.25 * v[0], c2[1], 0.25 + 0.25 * v[1], 0.25]
        let s3 = [similarity(c3[0]), similarity(c3[2])]
        let z = softmax(beta, s3)
        let read3 = sam.readRecord(step: 2)[0]
        #expect(read3.rows == [0, 2])
        #expect(zip(read3.weights, z).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(abs(result.outputs[2] - (z[0] * c3[0] + z[1] * c3[2])) < 1e-12)

        // Memory rows: M(i) = c_i · a.
        for i in 0..<4 {
            #expect(abs(sam.memory.row(i)[0] - c3[i]) < 1e-12 && abs(sam.memory.row(i)[1] - 2 * c3[i]) < 1e-12)
        }
        #expect(sam.ring.order == [1, 0, 2, 3])
        #expect(sam.lastAccess == [3, 2, 3, 3])
    }

    /// Rows erased and written per step: only u_t and the previous read rows change.
    @Test func eachStepTouchesOnlyTheErasedAndPreviouslyReadRows() throws {
        let sam = try model()
        let step = try Episode<Double>(configuration: sam.configuration, inputs: [0], targets: [0])
        var before = sam.memory.snapshot()
        var changed: [[Int]] = []
        for _ in 0..<3 {
            _ = try sam.forward(step)
            let after = sam.memory.snapshot()
            changed.append((0..<4).filter { before[2 * $0] != after[2 * $0] || before[2 * $0 + 1] != after[2 * $0 + 1] })
            before = after
        }
        #expect(changed == [[0], [0, 1, 2], [0, 2, 3]])
    }
}
