@_spi(FaultInjection) import MemoryModels
import SAMNumerics

/// Float is verified against Double at the same Float-representable point (Proofs/float-precision.md).
///
/// The Float model runs a training forward (its own index and decisions) and backward. The Double
/// model starts from the same point, every parameter, input and M_0 entry widened exactly from Float,
/// replays the Float run's decisions, and gives the reference: loss, outputs y [T, Y], every parameter
/// gradient (SPEC names) and dL/dx [T, X]. Each entry of a block b must satisfy
///
///     |q_Float − q_Double| ≤ τ_b = safety · (S_b + R_b + √n · u · M_b + u · G_b),   u = Float.ulpOfOne / 2,
///
/// M_b = max|q| over the block; G_b, for a gradient block only, the larger of the largest entry of
/// *any* gradient and Σ_t,o |dL/dy_t,o| (a gradient entry can be a cancellation of back-propagated
/// terms that large, and Float rounds each term), 0 for the loss and outputs. The √n growth applies
/// to the block's own scale only: with it on G_b, a small gradient block's bound was vacuous at
/// N = 2^14 (Proofs/float-precision.md, term 2). The output layer's entries (output.W, output.b) sum
/// terms the Double model's tape gives exactly, so each entry i gets its own bound instead of u · G_b:
///
///     τ_b,i = safety · (S_b + R_b + √n · u · M_b + (√T + 2) · u · A_i)      (`OutputLayerTerms`),
///
/// A_i = Σ |terms| of entry i; with u · G_b a 1e-4 fault on output.W was missed in 4 of 60 sweep
/// cases (G_b/M_b ≈ 500 when h_t is small).
///
/// where S_b, the block's sensitivity to Float rounding, is measured on the Double model: the largest
/// change of any entry of b when every datum v (parameters, inputs, M_0) is replaced by v·(1 + u·σ_v),
/// σ_v = ±1 at random, over `draws` draws (a statistical condition estimate: S_b ≈ u·κ_b). A
/// backward-stable Float evaluation is the exact one at data perturbed by O(u) relative, so its error
/// is of the size S_b for the data's rounding; √n·u·M_b is the rounding inside the read sum, which the
/// data perturbation does not see (it misses sums that cancel): n is the length of the read sum, N rows for
/// DAM and K for SAM, the one sum whose length grows with the configuration (rounding errors of a sum
/// of n terms grow as √n·u·Σ|terms| with high probability, Higham and Mary 2019); `safety` covers the
/// fixed-length sums (a few hundred terms at most) and the roundings an entry accumulates over T steps.
/// R_b is the Float model's own rounding noise (`floatNoise`): roundings inside intermediate
/// cancellations, such as the cosine's backward at W = 1, which neither S_b nor M_b bounds.
/// The check cannot judge a block whose τ_b is ≥ 0.1 × its largest entry (`BlockJudgement`).
public enum FloatAgreementCheck {
    /// s, the safety factor of the bound (Proofs/float-precision.md, term 4).
    public static let safety = 10.0
    /// Random draws of the data perturbation that measure S_b and R_b.
    public static let draws = 2
    /// Float's unit roundoff.
    public static let unitRoundoff = Double(Float.ulpOfOne) / 2

    /// `perturbation`: a fault sweep's relative change to the Float gradient (a Float-only fault site).
    public static func run(_ c: VerificationCase, fault: GradientFault? = nil,
                           perturbation: GradientPerturbation? = nil) throws -> CheckResult {
        let cf = c.configuration
        let single = try c.model.makeFloat(cf)
        single.fault = fault
        let e = try c.episode()
        let episode = try Episode<Float>(configuration: cf, inputs: e.inputs.map { Float($0) },
                                         targets: e.targets.map { Float($0) }, mask: e.mask.map { Float($0) })
        single.reset()
        let memory = single.memory.snapshot().map { Double($0) }
        let result = try single.forward(episode, mode: .training, replay: nil)
        let dx = try single.backward(outputGradient: nil).map { Double($0) }
        let decisions = single.decisions
        let inputs = episode.inputs.map { Double($0) }, parameters = Array(single.parameters.values).map { Double($0) }
        func blocks(_ loss: Float, _ outputs: [Float], _ dx: [Double]) -> [[Double]] {
            [[Double(loss)], outputs.map { Double($0) }]
                + single.parameters.slices.map { Array(single.parameters.gradient($0.name)).map { Double($0) } } + [dx]
        }
        var observed = blocks(result.loss, result.outputs, dx)
        let noise = try floatNoise(single, episode: episode, memory: memory.map { Float($0) }, decisions: decisions,
                                   observed: observed, seed: c.seed, blocks: blocks)
        if let perturbation {
            var flat = Array(observed.dropFirst(2).joined())
            var blocks: [(String, Range<Int>)] = [], offset = 0
            for (name, block) in zip(single.parameters.slices.map(\.name) + ["inputs"], observed.dropFirst(2)) {
                blocks.append((name, offset..<(offset + block.count)))
                offset += block.count
            }
            perturbation.apply(to: &flat, blocks: blocks)
            for (b, (_, range)) in blocks.enumerated() { observed[b + 2] = Array(flat[range]) }
        }

        let double = try c.model.make(cf.with(memoryInitialisation: .zeros))
        func evaluate(_ p: [Double], _ x: [Double], _ m: [Double]) throws -> [[Double]] {
            for i in p.indices { double.parameters.values[i] = p[i] }
            DecisionAudit.start(double, memory: m)
            let r = try double.forward(try Episode(configuration: cf, inputs: x, targets: e.targets, mask: e.mask),
                                       mode: .training, replay: decisions)
            let g = try double.backward(outputGradient: nil)
            return [[r.loss], r.outputs] + double.parameters.slices.map { Array(double.parameters.gradient($0.name)) } + [g]
        }
        let reference = try evaluate(parameters, inputs, memory)
        // The output layer's per-entry term sizes, from the reference run's tape (before the draws move it).
        let componentwise = (double as? RecordsOutputLayerInputs).map {
            OutputLayerTerms.magnitudes(loss: cf.loss, inputs: $0.outputLayerInputs(), outputs: reference[1],
                                        targets: e.targets, mask: e.mask, outputSize: cf.outputSize)
        } ?? [:]
        var sensitivity = reference.map { _ in 0.0 }
        var rng = SeededGenerator(seed: c.seed ^ 0xF10A_7D0B)
        func perturbed(_ v: [Double]) -> [Double] {
            v.map { $0 * (1 + unitRoundoff * (Bool.random(using: &rng) ? 1 : -1)) }
        }
        for _ in 0..<draws {
            let moved = try evaluate(perturbed(parameters), perturbed(inputs), perturbed(memory))
            for b in reference.indices {
                sensitivity[b] = max(sensitivity[b], zip(moved[b], reference[b]).reduce(0) { max($0, abs($1.0 - $1.1)) })
            }
        }
        let names = ["loss", "outputs"] + double.parameters.slices.map(\.name) + ["inputs"]
        let shapes = [[1], [e.steps, cf.outputSize]] + double.parameters.slices.map(\.shape) + [[e.steps, cf.inputSize]]
        var tracker = WorstTracker(), judgement = BlockJudgement()
        var normwise = 0.0, notes: [String] = []
        // The terms a gradient entry sums are at most the largest gradient entry, or Σ_t,o |dL/dy_t,o|
        // (output.b's gradient is exactly that sum, which can cancel to far less than its terms).
        var upstream = 0.0, dy = [Double](repeating: 0, count: cf.outputSize)
        reference[1].withUnsafeBufferPointer { y in
            e.targets.withUnsafeBufferPointer { z in
                for t in 0..<e.steps {
                    Loss.gradient(cf.loss, y.baseAddress! + t * cf.outputSize, z.baseAddress! + t * cf.outputSize,
                                  count: cf.outputSize, weight: e.mask[t], into: &dy)
                    upstream += dy.reduce(0) { $0 + abs($1) }
                }
            }
        }
        let sumLength = Double(c.model == .dam ? cf.memoryWords : cf.neighbours).squareRoot()
        let gradientScale = reference.dropFirst(2).reduce(upstream) { m, block in block.reduce(m) { max($0, abs($1)) } }
        let stepsFactor = Double(e.steps).squareRoot() + 2
        for b in reference.indices {
            judgement.begin(names[b])
            let scale = reference[b].reduce(0) { max($0, abs($1)) }
            // Sums that grow with n round relative to what flows through them (the block's own scale);
            // the back-propagated terms a gradient entry cancels round without growing with n: bounded
            // by the largest gradient, or entry by entry where the terms are known (the output layer).
            let readSum = sumLength * unitRoundoff * scale, terms = b < 2 ? 0 : unitRoundoff * gradientScale
            let own = componentwise[names[b]]
            let common = sensitivity[b] + noise[b] + readSum
            let source = "\(format(safety)) x (Float-rounding sensitivity \(format(sensitivity[b])) "
                + "+ Float's own rounding noise \(format(noise[b])) "
                + "+ √\(c.model == .dam ? "N" : "K") x u_Float x max|\(names[b])| \(format(readSum))"
            let blockTolerance = Tolerance(value: safety * (common + terms), source: source
                + (b < 2 ? "" : " + u_Float x max(max|any gradient|, Σ|dL/dy|) \(format(terms))") + ") (Proofs/float-precision.md)")
            var difference = 0.0, largest = 0.0, smallest = Double.infinity
            for i in reference[b].indices {
                let tolerance = own.map {
                    Tolerance(value: safety * (common + stepsFactor * unitRoundoff * $0[i]),
                              source: source + " + (√T + 2) x u_Float x Σ|terms of this entry| "
                                  + "\(format(stepsFactor * unitRoundoff * $0[i]))) (Proofs/float-precision.md)")
                } ?? blockTolerance
                largest = max(largest, tolerance.value)
                smallest = min(smallest, tolerance.value)
                difference = max(difference, abs(observed[b][i] - reference[b][i]))
                tracker.add(Discrepancy(coordinate: Coordinate(name: names[b], index: i, shape: shapes[b]),
                                        analytic: observed[b][i], numeric: reference[b][i], tolerance: tolerance))
                judgement.add(analytic: observed[b][i], numeric: reference[b][i], tolerance: tolerance.value, rounding: 0)
            }
            if scale > 0 { normwise = max(normwise, difference / scale) }
            notes.append("\(names[b]): max|F − D| \(format(difference)) of max|entry| \(format(scale)); τ = "
                         + (own == nil ? format(largest) : "\(format(smallest))...\(format(largest)) per entry")
                         + " = \(format(safety)) x (S \(format(sensitivity[b])) + R \(format(noise[b])) + read sum \(format(readSum))"
                         + (own == nil ? " + terms \(format(terms)))" : " + (√T + 2) u Σ|terms of the entry|)"))
        }
        return CheckResult(check: .floatAgreement, verificationCase: c, passed: !tracker.failed, worst: tracker.worst,
                           compared: tracker.compared, notes: notes, normwiseRelativeError: normwise,
                           cannotJudge: judgement.reason(compared: tracker.compared, total: tracker.compared),
                           detectionFloors: judgement.floors)
    }

    /// R_b, the Float model's own rounding noise per block (Proofs/float-precision.md, term 3): the
    /// largest change of any entry of b between the Float run at the point and Float runs at the point
    /// with every datum (parameters, inputs, M_0) moved one ulp up or down at random, over `draws`
    /// draws, all replaying the point's decisions. It sees the roundings inside intermediate
    /// cancellations (a cosine's two gradient terms, which cancel exactly when W = 1) that neither the
    /// Double model's data sensitivity S_b nor the read-sum term bounds. A fault of the Float path that
    /// is a fixed function of the data moves every run alike, so it cancels from R_b.
    static func floatNoise(_ model: any MemoryModel<Float>, episode: Episode<Float>, memory: [Float],
                           decisions: RecordedDecisions, observed: [[Double]], seed: UInt64,
                           blocks: (Float, [Float], [Double]) -> [[Double]]) throws -> [Double] {
        var rng = SeededGenerator(seed: seed ^ 0x0F1D_A7A0_15E0)
        func moved(_ v: [Float]) -> [Float] { v.map { Bool.random(using: &rng) ? $0.nextUp : $0.nextDown } }
        let parameters = Array(model.parameters.values)
        var noise = observed.map { _ in 0.0 }
        for _ in 0..<draws {
            let p = moved(parameters)
            for i in p.indices { model.parameters.values[i] = p[i] }
            DecisionAudit.start(model, memory: moved(memory))
            let e = try Episode<Float>(configuration: model.configuration, inputs: moved(episode.inputs),
                                       targets: episode.targets, mask: episode.mask)
            let r = try model.forward(e, mode: .training, replay: decisions)
            let dx = try model.backward(outputGradient: nil).map { Double($0) }
            for (b, block) in blocks(r.loss, r.outputs, dx).enumerated() {
                noise[b] = max(noise[b], zip(block, observed[b]).reduce(0) { max($0, abs($1.0 - $1.1)) })
            }
        }
        return noise
    }
}
