import Testing
@testable import MemoryModels
import SAMNumerics

/// The Sparse DNC's links, precedence and read modes (SPEC "Sparse DNC") on tiny cases with values
/// computed by hand, the sparse links against the dense (DNC) links, and links that survive.
@Suite struct SDNCTests {
    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-14 }

    /// Three updates of a 4-row store with K_L = 2; every entry is the SPEC formula worked by hand:
    /// step 1 writes row 0 (0.5); step 2 row 1 (0.4); step 3 rows 2, 3 (0.5, 0.25); step 4 row 1 (0.5).
    @Test func sparseLinksMatchHandComputedValues() {
        let links = SparseTemporalLinks<Double>(rows: 4, entries: 2)
        links.update(rows: [0], weights: [0.5])            // p = {0: 0.5}; no links yet (p_0 = 0)
        #expect(links.precedence(0) == 0.5)
        #expect((0..<4).allSatisfy { i in (0..<4).allSatisfy { links.link(forward: true, row: i, column: $0) == 0 } })
        links.update(rows: [1], weights: [0.4])            // N(1,0) = 0.4·0.5, P(0,1) = 0.4·0.5; p = {0: 0.3, 1: 0.4}
        #expect(Self.close(links.link(forward: true, row: 1, column: 0), 0.2))
        #expect(Self.close(links.link(forward: false, row: 0, column: 1), 0.2))
        #expect(Self.close(links.precedence(0), 0.3) && Self.close(links.precedence(1), 0.4))
        links.update(rows: [2, 3], weights: [0.5, 0.25])
        // N(2,·) = 0.5·p, N(3,·) = 0.25·p; P(0,·) = {1: 0.2, 2: 0.15, 3: 0.075} cut to its 2 largest.
        #expect(Self.close(links.link(forward: true, row: 2, column: 0), 0.15))
        #expect(Self.close(links.link(forward: true, row: 2, column: 1), 0.2))
        #expect(Self.close(links.link(forward: true, row: 3, column: 1), 0.1))
        #expect(Self.close(links.link(forward: false, row: 0, column: 1), 0.2))
        #expect(Self.close(links.link(forward: false, row: 0, column: 2), 0.15))
        #expect(links.link(forward: false, row: 0, column: 3) == 0)   // cut: the third largest
        #expect(Self.close(links.link(forward: false, row: 1, column: 2), 0.2))
        // p = 0.25·{0: 0.3, 1: 0.4} + {2: 0.5, 3: 0.25}, cut to {2: 0.5, 3: 0.25}.
        #expect(links.precedence(0) == 0 && links.precedence(1) == 0)
        #expect(Self.close(links.precedence(2), 0.5) && Self.close(links.precedence(3), 0.25))
        links.update(rows: [1], weights: [0.5])
        // N(1,·) = 0.5·{0: 0.2} + 0.5·{2: 0.5, 3: 0.25} = {0: 0.1, 2: 0.25, 3: 0.125}, cut to {2, 3}.
        #expect(links.link(forward: true, row: 1, column: 0) == 0)
        #expect(Self.close(links.link(forward: true, row: 1, column: 2), 0.25))
        #expect(Self.close(links.link(forward: true, row: 1, column: 3), 0.125))
        // P's column 1 decays by 0.5 everywhere; rows 2 and 3 (the precedence) gain column 1.
        #expect(Self.close(links.link(forward: false, row: 0, column: 1), 0.1))
        #expect(Self.close(links.link(forward: false, row: 2, column: 1), 0.25))
        #expect(Self.close(links.link(forward: false, row: 3, column: 1), 0.125))
        // f = N w for w = e_2: the rows written after row 2, largest first.
        var rows: [Int] = []
        let slot: [Int32] = [2], weight: [Double] = [1]
        links.weighting(forward: true, rows: slot, weights: weight, count: 1, k: 2, into: &rows)
        #expect(rows == [1])
        links.weighting(forward: false, rows: slot, weights: weight, count: 1, k: 2, into: &rows)
        #expect(rows == [1, 0])   // P(1,2) = 0.2 > P(0,2) = 0.15 (column 2 not written since)
    }

    /// With K_L = N nothing is cut, so the sparse store equals the DNC's dense N x N links entry by entry.
    @Test func sparseLinksEqualDenseLinksWhenNothingIsCut() {
        let n = 7
        let sparse = SparseTemporalLinks<Double>(rows: n, entries: n), dense = DenseTemporalLinks<Double>(rows: n)
        var g = SeededGenerator(seed: 5)
        for _ in 0..<12 {
            var rows = Array(Set((0..<3).map { _ in Int.random(in: 0..<n, using: &g) })).sorted()
            rows.shuffle(using: &g)
            let weights = rows.map { _ in Double.random(in: 0.05..<(1.0 / 3), using: &g) }
            sparse.update(rows: rows, weights: weights)
            dense.update(rows: rows, weights: weights)
        }
        for i in 0..<n {
            #expect(Self.close(sparse.precedence(i), dense.precedence(i)))
            #expect(sparse.link(forward: true, row: i, column: i) == 0 && sparse.link(forward: false, row: i, column: i) == 0)
            for k in 0..<n {
                #expect(Self.close(sparse.link(forward: true, row: i, column: k), dense.link(forward: true, row: i, column: k)))
                #expect(Self.close(sparse.link(forward: false, row: i, column: k), dense.link(forward: false, row: i, column: k)))
            }
        }
    }

    static func configuration(n: Int = 8, k: Int = 2, entries: Int = 3, dense: Bool = false) throws -> ModelConfiguration {
        try Fixture.configuration(n: n, w: 3, r: 2, k: k).with(temporalLinks: TemporalLinkSettings(entries: entries, dense: dense))
    }

    /// The public SDNC's bug (a diagonal mask that zeroes the links): here, after a few steps, links
    /// are kept, none is a self-link, and the reads use forward and backward rows.
    @Test func linksSurviveAndReadsFollowThem() throws {
        let model = try SDNC<Double>(configuration: Self.configuration())
        let episode = try Episode<Double>.random(configuration: model.configuration, steps: 6, seed: 3)
        _ = try model.forward(episode, mode: .training)
        let n = model.configuration.memoryWords
        let kept = (0..<n).flatMap { i in (0..<n).map { (i, $0) } }.filter { model.link(forward: true, row: $0.0, column: $0.1) > 0 }
        #expect(kept.count >= n / 2)
        #expect((0..<n).allSatisfy { model.link(forward: true, row: $0, column: $0) == 0 && model.link(forward: false, row: $0, column: $0) == 0 })
        #expect((0..<n).allSatisfy { i in (0..<n).filter { model.link(forward: true, row: i, column: $0) > 0 }.count <= 3 })
        let links = model.decisions.steps.last!.links!
        #expect(links.contains { $0.forwardRows.contains { $0 >= 0 } } && links.contains { $0.backwardRows.contains { $0 >= 0 } })
    }

    /// Sparse links with K_L = N and K = N against the dense-link baseline: the same outputs, loss and gradients.
    @Test func sparseModelEqualsDenseLinkModelWhenNothingIsCut() throws {
        let sparse = try SDNC<Double>(configuration: Self.configuration(n: 6, k: 6, entries: 6))
        let dense = try SDNC<Double>(configuration: Self.configuration(n: 6, k: 6, entries: 6, dense: true))
        let episode = try Episode<Double>.random(configuration: sparse.configuration, steps: 5, seed: 9)
        let a = try sparse.forward(episode), b = try dense.forward(episode)
        #expect(Fixture.relativeError(a.outputs, b.outputs) < 1e-13)
        let dxa = try sparse.backward(), dxb = try dense.backward()
        #expect(Fixture.relativeError(dxa, dxb) < 1e-12)
        #expect(Fixture.relativeError(Array(sparse.parameters.gradients), Array(dense.parameters.gradients)) < 1e-12)
        #expect(dense.linkStateBytes > sparse.linkStateBytes / 2)   // N² against N·K_L (both tiny here)
    }

    /// Outputs and segment state are refilled in place (`resize`, `RecurrentState.assign`): outputs an
    /// earlier forward returned keep their values after the next segment, and a second segment (carrying
    /// h, r and wR_{t-1} from the first) gives the same outputs and gradients as on a model that kept
    /// every result alive.
    @Test func refilledOutputsKeepValueSemanticsAcrossSegments() throws {
        let c = try Self.configuration()
        let first = try Episode<Double>.random(configuration: c, steps: 4, seed: 21)
        let second = try Episode<Double>.random(configuration: c, steps: 4, seed: 22)
        let model = try SDNC<Double>(configuration: c), witness = try SDNC<Double>(configuration: c)
        let kept = try model.forward(first).outputs
        let copy = Array(kept)
        _ = try model.backward()
        _ = try witness.forward(first)
        _ = try witness.backward()
        let a = try model.forward(second), b = try witness.forward(second)
        #expect(kept == copy)
        #expect(a.outputs == b.outputs && a.outputs != kept)
        #expect(try model.backward() == witness.backward())
        #expect(Array(model.parameters.gradients) == Array(witness.parameters.gradients))
    }

    /// The record of a training step does not grow with N (O(R·K²)) under the recorded-link gradient
    /// (the full option's record: `SDNCFullGradientTests`).
    @Test func recordBytesPerStepDoNotGrowWithN() throws {
        func bytes(_ n: Int) throws -> Int {
            let model = try SDNC<Double>(configuration: Self.configuration(n: n))
            _ = try model.forward(try Episode<Double>.random(configuration: model.configuration, steps: 4, seed: 1))
            return model.backwardRecordBytes
        }
        #expect(try bytes(16) == bytes(512))
    }
}
