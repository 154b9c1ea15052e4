import Testing
import PropertyBased
import PropertySupport
import MemoryModels
import SAMNumerics

/// DAM is SAM with K = N and an exact index (SPEC): loss, outputs and every gradient agree to 1e-10,
/// relative to the largest entry of each parameter's gradient (summation orders differ between the
/// two, so single tiny entries carry rounding noise of ~1e-16 of the largest one).
@Suite struct DenseEquivalenceTests {
    func compare(n: Int, w: Int, r: Int, t: Int, seed: UInt64) throws {
        let c = try ModelConfiguration(memoryWords: n, wordSize: w, heads: min(r, n), neighbours: n, hidden: 5,
                                       inputSize: 3, outputSize: 2,
                                       memoryInitialisation: .uniform(scale: 0.5, seed: seed), parameterSeed: seed)
        let sam = try SAM<Double>(configuration: c), dam = DAM<Double>(configuration: c)
        let episode = try Episode<Double>.random(configuration: c, steps: t, seed: seed &+ 1)
        let a = try sam.forward(episode), b = try dam.forward(episode)
        let dxSAM = try sam.backward(), dxDAM = try dam.backward()
        let label = "N=\(n) W=\(w) R=\(r) T=\(t) seed=\(seed)"
        #expect(abs(a.loss - b.loss) <= 1e-10 * abs(b.loss), "loss: \(label)")
        #expect(Fixture.relativeError(a.outputs, b.outputs) <= 1e-10, "outputs: \(label)")
        #expect(Fixture.relativeError(dxSAM, dxDAM) <= 1e-10, "input gradient: \(label)")
        for slice in sam.parameters.slices {
            let e = Fixture.relativeError(UnsafeBufferPointer(sam.parameters.gradient(slice.name)),
                                          UnsafeBufferPointer(dam.parameters.gradient(slice.name)))
            #expect(e <= 1e-10, "\(slice.name): relative error \(e), \(label)")
        }
        #expect(sam.decisions.steps.map(\.leastUsed) == dam.decisions.steps.map(\.leastUsed), "least used: \(label)")
    }

    @Test func samWithKEqualToNEqualsDAM() async {
        await SeededProperty.forAll(count: 200, input: Gen.int(in: 2...12), Gen.int(in: 1...6), Gen.int(in: 1...3),
                            Gen.int(in: 1...6), Gen.uint64(in: 0...UInt64(1 << 40))) { n, w, r, t, seed in
            try compare(n: n, w: w, r: r, t: t, seed: seed)
        }
    }

    /// From zero memory (ties everywhere), the two still agree: K = N reads every row either way.
    @Test func equivalenceFromZeroMemory() throws {
        let c = try ModelConfiguration(memoryWords: 5, wordSize: 2, heads: 2, neighbours: 5, hidden: 3, inputSize: 2,
                                       outputSize: 2)
        let sam = try SAM<Double>(configuration: c), dam = DAM<Double>(configuration: c)
        let episode = try Episode<Double>.random(configuration: c, steps: 4, seed: 3)
        #expect(abs(try sam.forward(episode).loss - (try dam.forward(episode).loss)) < 1e-12)
        _ = try sam.backward(); _ = try dam.backward()
        #expect(Fixture.relativeError(Array(sam.parameters.gradients), Array(dam.parameters.gradients)) <= 1e-10)
    }
}
