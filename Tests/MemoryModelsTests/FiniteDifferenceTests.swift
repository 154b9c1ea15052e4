import Testing
import MemoryModels
import SAMNumerics
import Verification

/// First line of defence: every parameter and input coordinate of SAM and DAM against central
/// finite differences (step 1e-6, Double) with the discrete decisions held fixed. The derivative is the
/// product's one finite-difference engine (`CentralDifference`, Richardson-extrapolated).
@Suite struct FiniteDifferenceTests {
    static let cases: [(n: Int, w: Int, r: Int, k: Int, t: Int, seed: UInt64, loss: LossKind)] = [
        (6, 3, 2, 2, 4, 1, .sigmoidCrossEntropy), (5, 2, 1, 3, 3, 2, .meanSquaredError), (8, 4, 3, 2, 5, 3, .sigmoidCrossEntropy),
    ]

    /// Checks `model`'s gradient on `episode` against central differences of the loss (or, with
    /// `upstream`, of Σ upstream·y). With `prefix`, a first segment runs before, unperturbed, so the
    /// checked segment starts from carried-in state (truncated BPTT: no gradient into the prefix).
    func check(_ model: some MemoryModel<Double>, _ episode: Episode<Double>, prefix: Episode<Double>? = nil,
               upstream: [Double]? = nil, replayOverride: RecordedDecisions? = nil) throws {
        func start() throws {
            model.reset()
            if let prefix { _ = try model.forward(prefix, mode: .inference) }
        }
        func objective(_ result: ForwardResult<Double>) -> Double {
            guard let upstream else { return result.loss }
            return zip(upstream, result.outputs).reduce(0) { $0 + $1.0 * $1.1 }
        }
        try start()
        _ = try model.forward(episode, mode: .training, replay: replayOverride)
        let decisions = replayOverride ?? model.decisions
        let inputGradient = try model.backward(outputGradient: upstream)
        let analytic = Array(model.parameters.gradients)
        let original = Array(model.parameters.values)
        /// The objective of the checked segment with the prefix run on the original parameters.
        func evaluate(_ e: Episode<Double>, change: (() -> Void)? = nil) throws -> Double {
            for i in original.indices { model.parameters.values[i] = original[i] }
            try start()
            change?()
            return objective(try model.forward(e, mode: .inference, replay: decisions))
        }
        let h = 1e-6
        let value = try evaluate(episode)
        // Tolerance: 1e-6 relative, plus the rounding error of a central difference, ~ε·|L|/h (times 20).
        func excess(_ analytic: Double, _ numeric: Double) -> Double {
            abs(analytic - numeric) / (1e-6 * abs(numeric) + 20 * Double.ulpOfOne * max(1, abs(value)) / h)
        }
        var worst = (error: 0.0, name: "")
        for slice in model.parameters.slices {
            for i in slice.offset..<(slice.offset + slice.count) {
                let numeric = try CentralDifference.derivative(at: original[i], step: h) { v in
                    try evaluate(episode) { model.parameters.values[i] = v }
                }.value
                let error = excess(analytic[i], numeric)
                if error > worst.error { worst = (error, "\(slice.name)[\(i - slice.offset)] analytic \(analytic[i]) numeric \(numeric)") }
            }
        }
        for i in 0..<episode.inputs.count {
            func moved(_ v: Double) throws -> Episode<Double> {
                var x = episode.inputs
                x[i] = v
                return try Episode(configuration: model.configuration, inputs: x, targets: episode.targets, mask: episode.mask)
            }
            let numeric = try CentralDifference.derivative(at: episode.inputs[i], step: h) { try evaluate(try moved($0)) }.value
            let error = excess(inputGradient[i], numeric)
            if error > worst.error { worst = (error, "x[\(i)] analytic \(inputGradient[i]) numeric \(numeric)") }
        }
        for i in original.indices { model.parameters.values[i] = original[i] }
        print("finite differences: worst error / tolerance \(worst.error) at \(worst.name)")
        #expect(worst.error < 1, "worst coordinate: \(worst.name)")
    }

    @Test(arguments: 0..<3) func samMatchesFiniteDifferences(_ which: Int) throws {
        let c = Self.cases[which]
        let cf = try Fixture.configuration(n: c.n, w: c.w, r: c.r, k: c.k, seed: c.seed, loss: c.loss)
        try check(try SAM<Double>(configuration: cf), try .random(configuration: cf, steps: c.t, seed: c.seed))
    }

    @Test(arguments: 0..<3) func damMatchesFiniteDifferences(_ which: Int) throws {
        let c = Self.cases[which]
        let cf = try Fixture.configuration(n: c.n, w: c.w, r: c.r, k: c.k, seed: c.seed, loss: c.loss)
        try check(DAM<Double>(configuration: cf), try .random(configuration: cf, steps: c.t, seed: c.seed))
    }

    /// The bare controller (SAM's controller, no memory; the profiler's `controller`), over two
    /// segments so the carried-in state is exercised too.
    @Test func bareControllerMatchesFiniteDifferences() throws {
        let cf = try Fixture.configuration(n: 6, w: 3, r: 2, k: 2, seed: 41)
        let prefix = try Episode<Double>.random(configuration: cf, steps: 2, seed: 42)
        try check(BareController<Double>(configuration: cf), try .random(configuration: cf, steps: 4, seed: 43), prefix: prefix)
    }

    /// With zeros as M_0 there are ties; the gradient must still be finite and match with decisions fixed.
    @Test func samFromZeroMemoryMatchesFiniteDifferences() throws {
        let cf = try Fixture.configuration(n: 6, w: 3, r: 2, k: 2, seed: 4, memory: .zeros)
        try check(try SAM<Double>(configuration: cf), try .random(configuration: cf, steps: 4, seed: 4))
    }

    /// A second segment starts from carried-in h, cell, r and previous read weights (the t = 0 paths),
    /// and some steps are masked out of the loss.
    @Test(arguments: [false, true]) func secondSegmentWithMaskedStepsMatchesFiniteDifferences(_ dense: Bool) throws {
        let cf = try Fixture.configuration(n: 7, w: 3, r: 2, k: 3, seed: 11)
        let prefix = try Episode<Double>.random(configuration: cf, steps: 3, seed: 12)
        let random = try Episode<Double>.random(configuration: cf, steps: 4, seed: 13)
        let episode = try Episode<Double>(configuration: cf, inputs: random.inputs, targets: random.targets, mask: [1, 0, 1, 0])
        if dense { try check(DAM<Double>(configuration: cf), episode, prefix: prefix) }
        else { try check(try SAM<Double>(configuration: cf), episode, prefix: prefix) }
    }

    /// A caller-supplied upstream gradient dL/dy replaces the loss's.
    @Test(arguments: [false, true]) func upstreamGradientMatchesFiniteDifferences(_ dense: Bool) throws {
        let cf = try Fixture.configuration(n: 6, w: 2, r: 2, k: 2, seed: 21)
        let episode = try Episode<Double>.random(configuration: cf, steps: 3, seed: 22)
        var rng = SeededGenerator(seed: 23)
        let upstream: [Double] = (0..<(3 * cf.outputSize)).map { _ in rng.uniform(1) }
        if dense { try check(DAM<Double>(configuration: cf), episode, upstream: upstream) }
        else { try check(try SAM<Double>(configuration: cf), episode, upstream: upstream) }
    }

    /// A masked DAM (softmax restricted to SAM's selected rows) matches finite differences too.
    @Test func maskedDAMMatchesFiniteDifferences() throws {
        let cf = try Fixture.configuration(n: 8, w: 3, r: 2, k: 3, seed: 31)
        let episode = try Episode<Double>.random(configuration: cf, steps: 4, seed: 31)
        let sam = try SAM<Double>(configuration: cf)
        _ = try sam.forward(episode)
        let dam = DAM<Double>(configuration: cf)
        let decisions = sam.decisions
        // Check the masked DAM with SAM's decisions as its replay: wrap forward so decisions stay fixed.
        dam.reset()
        let masked = try dam.forward(episode, mode: .training, replay: decisions)
        _ = try dam.backward()
        #expect(abs(masked.loss - (try Fixture.loss(sam, episode, replay: decisions))) < 1e-12 * abs(masked.loss))
        try check(dam, episode, replayOverride: decisions)
    }
}
