import Testing
@testable import MemoryModels
import SAMNumerics
import Verification

/// The full link gradient of the SDNC (Proofs/sdnc-gradients.md, "Gradient, option"): the link
/// stores' journals, the adjoint steps 2-4 on hand-worked and finite-difference cases, and the model
/// with K_L = N, K = N against its dense-link baseline.
@Suite struct SDNCFullGradientTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-14) -> Bool { abs(a - b) <= tolerance }

    /// Every entry of N, P and p of an n-row store.
    static func state(_ s: some TemporalLinkStore<Double>, n: Int) -> [Double] {
        (0..<n).flatMap { i in (0..<n).flatMap { k in [s.link(forward: true, row: i, column: k), s.link(forward: false, row: i, column: k)] } }
            + (0..<n).map { s.precedence($0) }
    }

    /// Seeded updates: up to 3 distinct rows per step, weights summing to less than 1.
    static func updates(n: Int, steps: Int, seed: UInt64) -> [([Int], [Double])] {
        var g = SeededGenerator(seed: seed)
        return (0..<steps).map { _ in
            var rows = Array(Set((0..<3).map { _ in Int.random(in: 0..<n, using: &g) })).sorted()
            rows.shuffle(using: &g)
            return (rows, rows.map { _ in Double.random(in: 0.05..<(1.0 / 3), using: &g) })
        }
    }

    /// The journal of both stores: exchanging steps T..1 walks back through every earlier state
    /// exactly (compared with a store that ran only t updates), and exchanging 1..T restores the last.
    @Test(arguments: [false, true]) func journalRollsBackAndReappliesExactly(dense: Bool) {
        let n = 6, updates = Self.updates(n: n, steps: 8, seed: 3)
        func make() -> any TemporalLinkStore<Double> {
            dense ? DenseTemporalLinks<Double>(rows: n) : SparseTemporalLinks<Double>(rows: n, entries: 2)
        }
        let store = make()
        store.journaling = true
        for (rows, weights) in updates { store.update(rows: rows, weights: weights) }
        let last = Self.state(store, n: n)
        #expect(store.journalBytes > 0)
        for t in stride(from: updates.count - 1, through: 0, by: -1) {
            store.exchange(step: t)
            let witness = make()
            for (rows, weights) in updates[0..<t] { witness.update(rows: rows, weights: weights) }
            #expect(Self.state(store, n: n) == Self.state(witness, n: n), "state before update \(t + 1)")
        }
        for t in updates.indices { store.exchange(step: t) }
        #expect(Self.state(store, n: n) == last)
    }

    /// Proof steps 2-4 worked by hand on SDNCTests' first two updates (K_L = 2): step 1 writes row 0
    /// (w̄ = 0.5), step 2 row 1 (w̄ = 0.4), so N_2(1,0) = 0.2, P_2(0,1) = 0.2, p_2 = {0: 0.3, 1: 0.4}.
    /// With Ñ_2(1,0) = 1, P̃_2(0,1) = 2, p̃_2 = {0: 3, 1: 5}:
    /// step 2: dw̄(1) = [1·(p_1(0) − N_1(1,0))] + [2·(p_1(0) − P_1(0,1))] + [5 − (3·0.5 + 5·0)]
    ///              = 0.5 + 1 + 3.5 = 5; p̃_1(0) = (1 − 0.4)·3 + 0.4·1 + 0.4·2 = 3 (p_1(1) = 0: p̃_1(1) dropped);
    ///         Ñ_1, P̃_1 dropped (N_1 = P_1 = 0).
    /// step 1: dw̄(0) = p̃_1(0) − p̃_1(0)·p_0(0) = 3.
    @Test func linkUpdateBackwardMatchesHandWorkedValues() {
        let store = SparseTemporalLinks<Double>(rows: 4, entries: 2)
        store.journaling = true
        store.update(rows: [0], weights: [0.5])
        store.update(rows: [1], weights: [0.4])
        let g = LinkGradient<Double>(rows: 4)
        g.forward.add(row: 1, column: 0, 1)
        g.backward.add(row: 0, column: 1, 2)
        g.precedenceRows = [0, 1]
        g.precedenceValues = [3, 5]
        (g.written, g.weights) = ([1], [0.4])
        g.updateBackward(store, step: 1, dropPrecedence: false)
        #expect(Self.close(g.meanWrite[1], 5))
        #expect(g.precedenceRows == [0] && Self.close(g.precedenceValues[0], 3))
        #expect(g.forward.value(row: 1, column: 0) == 0 && g.backward.value(row: 0, column: 1) == 0)
        g.finishStep()
        (g.written, g.weights) = ([0], [0.5])
        g.updateBackward(store, step: 0, dropPrecedence: false)
        #expect(Self.close(g.meanWrite[0], 3) && g.meanWrite[1] == 0)
        #expect(g.precedenceRows.isEmpty)   // p_0 = 0: nothing carried into the segment start
    }

    /// Steps 2-4 against central differences: L = Σ c·N_T + Σ d·P_T + Σ e·p_T over the entries kept at
    /// T, as a function of every w̄_t(i), with the cuts to K_L = 2 live (the seeded weights keep away
    /// from ties, so no cut flips under the step). The adjoint walk must give every dL/dw̄_t(i).
    @Test(arguments: [(false, 2), (true, 6)]) func linkUpdateBackwardMatchesFiniteDifferences(dense: Bool, entries: Int) throws {
        let n = 6, updates = Self.updates(n: n, steps: 7, seed: 11)
        var g = SeededGenerator(seed: 12)
        let coefficients = (0..<(2 * n * n + n)).map { _ in Double.random(in: -1...1, using: &g) }
        func make() -> any TemporalLinkStore<Double> {
            dense ? DenseTemporalLinks<Double>(rows: n) : SparseTemporalLinks<Double>(rows: n, entries: entries)
        }
        func loss(_ u: [([Int], [Double])]) -> Double {
            let s = make()
            for (rows, weights) in u { s.update(rows: rows, weights: weights) }
            return zip(Self.state(s, n: n), coefficients).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let store = make()
        store.journaling = true
        for (rows, weights) in updates { store.update(rows: rows, weights: weights) }
        let adjoint = LinkGradient<Double>(rows: n)
        for i in 0..<n {   // dL/dN_T(i,k) = c on kept entries, as a read would give
            for k in 0..<n {
                if store.link(forward: true, row: i, column: k) != 0 { adjoint.forward.add(row: i, column: k, coefficients[2 * (i * n + k)]) }
                if store.link(forward: false, row: i, column: k) != 0 { adjoint.backward.add(row: i, column: k, coefficients[2 * (i * n + k) + 1]) }
            }
            if store.precedence(i) != 0 { adjoint.precedenceRows.append(i); adjoint.precedenceValues.append(coefficients[2 * n * n + i]) }
        }
        var checked = 0
        for t in stride(from: updates.count - 1, through: 0, by: -1) {
            (adjoint.written, adjoint.weights) = updates[t]
            adjoint.updateBackward(store, step: t, dropPrecedence: false)
            for (position, i) in updates[t].0.enumerated() {
                let numeric = try CentralDifference.derivative(at: updates[t].1[position]) { x in
                    var u = updates
                    u[t].1[position] = x
                    return loss(u)
                }
                #expect(abs(adjoint.meanWrite[i] - numeric.value) <= 1e-8 * max(1, abs(numeric.value)),
                        "dL/dw̄_\(t + 1)(\(i)): adjoint \(adjoint.meanWrite[i]), finite difference \(numeric.value)")
                checked += 1
            }
            adjoint.finishStep()
        }
        #expect(checked >= updates.count)
    }

    static func configuration(n: Int, k: Int, entries: Int, dense: Bool = false) throws -> ModelConfiguration {
        try Fixture.configuration(n: n, w: 3, r: 2, k: k)
            .with(temporalLinks: TemporalLinkSettings(entries: entries, gradient: .full, dense: dense))
    }

    /// K_L = N and K = N under the full gradient: the sparse store's adjoint on its kept entries equals
    /// the dense baseline's on all N² entries, output by output and gradient by gradient; and the full
    /// gradient differs from the recorded one (the link path carries something).
    @Test func fullGradientEqualsDenseLinkBaselineWhenNothingIsCut() throws {
        let sparse = try SDNC<Double>(configuration: Self.configuration(n: 6, k: 6, entries: 6))
        let dense = try SDNC<Double>(configuration: Self.configuration(n: 6, k: 6, entries: 6, dense: true))
        let recorded = try SDNC<Double>(configuration: Fixture.configuration(n: 6, w: 3, r: 2, k: 6)
            .with(temporalLinks: TemporalLinkSettings(entries: 6)))
        let episode = try Episode<Double>.random(configuration: sparse.configuration, steps: 5, seed: 9)
        let a = try sparse.forward(episode), b = try dense.forward(episode)
        _ = try recorded.forward(episode)
        #expect(Fixture.relativeError(a.outputs, b.outputs) < 1e-13)
        let dxa = try sparse.backward(), dxb = try dense.backward(), dxr = try recorded.backward()
        #expect(Fixture.relativeError(dxa, dxb) < 1e-12)
        #expect(Fixture.relativeError(Array(sparse.parameters.gradients), Array(dense.parameters.gradients)) < 1e-12)
        #expect(Fixture.relativeError(dxa, dxr) > 1e-6)
    }

    /// Under the full gradient the link journal per step stays under a bound in R, K, K_L and T alone
    /// (N's written rows R·(3K+1), P's merged rows K_L, P's decayed rows: each holds a written column
    /// it gained at one of the T steps, at most K_L rows a step, plus the row images' K_L entries) at
    /// N = 16, 512 and 4096; the backward leaves the link state as the forward left it, and a second
    /// backward gives the same gradients.
    @Test func fullGradientRecordIsBoundedWithoutNAndBackwardRestoresLinks() throws {
        let (r, k, entries, steps) = (2, 2, 3, 5)
        func run(_ n: Int) throws -> SDNC<Double> {
            let model = try SDNC<Double>(configuration: Self.configuration(n: n, k: k, entries: entries))
            _ = try model.forward(try Episode<Double>.random(configuration: model.configuration, steps: steps, seed: 1))
            return model
        }
        let writtenColumns = r * (3 * k + 1), rowBytes = 2 * 4 + entries * (4 + 8)
        let rowsPerStep = writtenColumns + entries + writtenColumns * entries * steps
        let bound = steps * (rowsPerStep * rowBytes + entries * 16 + 8)
        for n in [16, 512, 4096] {
            let bytes = try run(n).links.journalBytes
            #expect(bytes > 0 && bytes <= bound, "N = \(n): link journal \(bytes) bytes, bound \(bound)")
        }
        let model = try run(16)
        let before = Self.state(model.links, n: 16)
        let first = try model.backward(), gradients = Array(model.parameters.gradients)
        #expect(Self.state(model.links, n: 16) == before)
        #expect(try model.backward() == first)
        #expect(Array(model.parameters.gradients) == gradients)
    }
}
