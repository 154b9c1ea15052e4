import Testing
import MemoryModels
import SAMNumerics

/// First line of defence: every parameter and input coordinate of SAM and DAM against central
/// finite differences (step 1e-6, Double) with the discrete decisions held fixed.
@Suite struct FiniteDifferenceTests {
    static let cases: [(n: Int, w: Int, r: Int, k: Int, t: Int, seed: UInt64, loss: LossKind)] = [
        (6, 3, 2, 2, 4, 1, .sigmoidCrossEntropy), (5, 2, 1, 3, 3, 2, .meanSquaredError), (8, 4, 3, 2, 5, 3, .sigmoidCrossEntropy),
    ]

    func check(_ model: some MemoryModel<Double>, _ episode: Episode<Double>) throws {
        model.reset()
        _ = try model.forward(episode, mode: .training)
        let decisions = model.decisions
        let inputGradient = try model.backward()
        let analytic = Array(model.parameters.gradients)
        let h = 1e-6
        let loss = try Fixture.loss(model, episode, replay: decisions)
        // Tolerance: 1e-6 relative, plus the rounding error of a central difference, ~ε·|L|/h (times 20).
        func excess(_ analytic: Double, _ numeric: Double) -> Double {
            abs(analytic - numeric) / (1e-6 * abs(numeric) + 20 * Double.ulpOfOne * max(1, abs(loss)) / h)
        }
        var worst = (error: 0.0, name: "")
        for slice in model.parameters.slices {
            for i in slice.offset..<(slice.offset + slice.count) {
                let saved = model.parameters.values[i]
                model.parameters.values[i] = saved + h
                let plus = try Fixture.loss(model, episode, replay: decisions)
                model.parameters.values[i] = saved - h
                let minus = try Fixture.loss(model, episode, replay: decisions)
                model.parameters.values[i] = saved
                let numeric = (plus - minus) / (2 * h)
                let error = excess(analytic[i], numeric)
                if error > worst.error { worst = (error, "\(slice.name)[\(i - slice.offset)] analytic \(analytic[i]) numeric \(numeric)") }
            }
        }
        for i in 0..<episode.inputs.count {
            func shifted(_ d: Double) throws -> Episode<Double> {
                var x = episode.inputs
                x[i] += d
                return try Episode(configuration: model.configuration, inputs: x, targets: episode.targets, mask: episode.mask)
            }
            let numeric = (try Fixture.loss(model, try shifted(h), replay: decisions)
                - (try Fixture.loss(model, try shifted(-h), replay: decisions))) / (2 * h)
            let error = excess(inputGradient[i], numeric)
            if error > worst.error { worst = (error, "x[\(i)] analytic \(inputGradient[i]) numeric \(numeric)") }
        }
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

    /// With zeros as M_0 there are ties; the gradient must still be finite and match with decisions fixed.
    @Test func samFromZeroMemoryMatchesFiniteDifferences() throws {
        let cf = try Fixture.configuration(n: 6, w: 3, r: 2, k: 2, seed: 4, memory: .zeros)
        try check(try SAM<Double>(configuration: cf), try .random(configuration: cf, steps: 4, seed: 4))
    }
}
