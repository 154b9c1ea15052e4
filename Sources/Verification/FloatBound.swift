import MemoryModels
import SAMNumerics

/// The Float-derived bound (Proofs/float-precision.md) applied to observed Float results at a Float
/// point: the one implementation of τ_b, used by `FloatAgreementCheck` (samkit's Float model against
/// its Double model) and by `CaseCheck` on a float32 case file (the file's values against the Double
/// model at the file's point).
///
/// The Double model starts from the point (θ, x, M_0, all Float values widened exactly), replays the
/// point's decisions, and gives the reference q_D; each entry i of block b (loss [1], y [T, Y], each
/// parameter gradient under its SPEC name, dL/dx [T, X]) must satisfy |q_F − q_D| ≤ τ_b (or τ_b,i for
/// the output layer) as `FloatAgreementCheck` states it. S_b is measured here on the Double model;
/// R_b (`FloatRun.noise`) is passed in. A block whose τ_b is ≥ 0.1 × its largest entry cannot be
/// judged (`BlockJudgement`).
struct FloatBound {
    /// The Float point: the model, its configuration, the parameters (flat, `ParameterStore` order),
    /// x [T, X], z [T, Y], m [T], M_0 [N, W], the decisions replayed, and the seed of the S_b draws.
    struct Point {
        let kind: ModelKind, configuration: ModelConfiguration
        let parameters: [Double], inputs: [Double], targets: [Double], mask: [Double], memory: [Double]
        let decisions: RecordedDecisions, seed: UInt64
    }

    /// One judged block.
    struct Block {
        /// `loss`, `outputs`, a SPEC parameter name, or `inputs` (dL/dx).
        let name: String
        /// max |q_F − q_D| and max |q_D| over the block.
        let maxDifference: Double, scale: Double
        /// The smallest and largest τ of the block's entries (equal unless judged entry by entry).
        let smallestTolerance: Double, largestTolerance: Double
        /// Some entry exceeds its τ.
        let failed: Bool
        /// Why the block cannot be judged (τ not small against its largest entry), or nil.
        let cannotJudge: String?
        /// The decomposition of τ and max |F − D|.
        let note: String
    }

    /// Every block, in the order above.
    let blocks: [Block]
    /// The worst entry over all blocks, and whether any failed.
    let tracker: WorstTracker
    /// Per block: the cannot-judge rule and the detection floors.
    let judgement: BlockJudgement
    /// max over blocks of max |q_F − q_D| / max |q_D|.
    let normwise: Double

    /// Judges `observed` (the blocks in order, widened to Double) against the Double model at `p`;
    /// `noise` is R_b per block.
    init(_ p: Point, observed: [[Double]], noise: [Double]) throws {
        let cf = p.configuration, unitRoundoff = FloatAgreementCheck.unitRoundoff, safety = FloatAgreementCheck.safety
        let steps = p.mask.count
        let double = try p.kind.make(cf.with(memoryInitialisation: .zeros))
        func evaluate(_ parameters: [Double], _ x: [Double], _ m: [Double]) throws -> [[Double]] {
            for i in parameters.indices { double.parameters.values[i] = parameters[i] }
            DecisionAudit.start(double, memory: m)
            let r = try double.forward(try Episode(configuration: cf, inputs: x, targets: p.targets, mask: p.mask),
                                       mode: .training, replay: p.decisions)
            let g = try double.backward(outputGradient: nil)
            return [[r.loss], r.outputs] + double.parameters.slices.map { Array(double.parameters.gradient($0.name)) } + [g]
        }
        let reference = try evaluate(p.parameters, p.inputs, p.memory)
        // The output layer's per-entry term sizes, from the reference run's tape (before the draws move it).
        let componentwise = (double as? RecordsOutputLayerInputs).map {
            OutputLayerTerms.magnitudes(loss: cf.loss, inputs: $0.outputLayerInputs(), outputs: reference[1],
                                        targets: p.targets, mask: p.mask, outputSize: cf.outputSize)
        } ?? [:]
        var sensitivity = reference.map { _ in 0.0 }
        var rng = SeededGenerator(seed: p.seed ^ 0xF10A_7D0B)
        func perturbed(_ v: [Double]) -> [Double] {
            v.map { $0 * (1 + unitRoundoff * (Bool.random(using: &rng) ? 1 : -1)) }
        }
        for _ in 0..<FloatAgreementCheck.draws {
            let moved = try evaluate(perturbed(p.parameters), perturbed(p.inputs), perturbed(p.memory))
            for b in reference.indices {
                sensitivity[b] = max(sensitivity[b], zip(moved[b], reference[b]).reduce(0) { max($0, abs($1.0 - $1.1)) })
            }
        }
        let names = ["loss", "outputs"] + double.parameters.slices.map(\.name) + ["inputs"]
        let shapes = [[1], [steps, cf.outputSize]] + double.parameters.slices.map(\.shape) + [[steps, cf.inputSize]]
        var tracker = WorstTracker(), judgement = BlockJudgement()
        var normwise = 0.0, blocks: [Block] = []
        // The terms a gradient entry sums are at most the largest gradient entry, or Σ_t,o |dL/dy_t,o|
        // (output.b's gradient is exactly that sum, which can cancel to far less than its terms).
        var upstream = 0.0, dy = [Double](repeating: 0, count: cf.outputSize)
        reference[1].withUnsafeBufferPointer { y in
            p.targets.withUnsafeBufferPointer { z in
                for t in 0..<steps {
                    Loss.gradient(cf.loss, y.baseAddress! + t * cf.outputSize, z.baseAddress! + t * cf.outputSize,
                                  count: cf.outputSize, weight: p.mask[t], into: &dy)
                    upstream += dy.reduce(0) { $0 + abs($1) }
                }
            }
        }
        let sumLength = Double(p.kind == .dam ? cf.memoryWords : cf.neighbours).squareRoot()
        let gradientScale = reference.dropFirst(2).reduce(upstream) { m, block in block.reduce(m) { max($0, abs($1)) } }
        let stepsFactor = Double(steps).squareRoot() + 2
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
                + "+ √\(p.kind == .dam ? "N" : "K") x u_Float x max|\(names[b])| \(format(readSum))"
            let blockTolerance = Tolerance(value: safety * (common + terms), source: source
                + (b < 2 ? "" : " + u_Float x max(max|any gradient|, Σ|dL/dy|) \(format(terms))") + ") (Proofs/float-precision.md)")
            var difference = 0.0, largest = 0.0, smallest = Double.infinity, failed = false
            for i in reference[b].indices {
                let tolerance = own.map {
                    Tolerance(value: safety * (common + stepsFactor * unitRoundoff * $0[i]),
                              source: source + " + (√T + 2) x u_Float x Σ|terms of this entry| "
                                  + "\(format(stepsFactor * unitRoundoff * $0[i]))) (Proofs/float-precision.md)")
                } ?? blockTolerance
                largest = max(largest, tolerance.value)
                smallest = min(smallest, tolerance.value)
                difference = max(difference, abs(observed[b][i] - reference[b][i]))
                let d = Discrepancy(coordinate: Coordinate(name: names[b], index: i, shape: shapes[b]),
                                    analytic: observed[b][i], numeric: reference[b][i], tolerance: tolerance)
                failed = failed || d.excess > 1
                tracker.add(d)
                judgement.add(analytic: observed[b][i], numeric: reference[b][i], tolerance: tolerance.value, rounding: 0)
            }
            if scale > 0 { normwise = max(normwise, difference / scale) }
            let note = "\(names[b]): max|F − D| \(format(difference)) of max|entry| \(format(scale)); τ = "
                + (own == nil ? format(largest) : "\(format(smallest))...\(format(largest)) per entry")
                + " = \(format(safety)) x (S \(format(sensitivity[b])) + R \(format(noise[b])) + read sum \(format(readSum))"
                + (own == nil ? " + terms \(format(terms)))" : " + (√T + 2) u Σ|terms of the entry|)")
            blocks.append(Block(name: names[b], maxDifference: difference, scale: scale, smallestTolerance: smallest,
                                largestTolerance: largest, failed: failed, cannotJudge: judgement.currentBlockReason, note: note))
        }
        self.blocks = blocks
        self.tracker = tracker
        self.judgement = judgement
        self.normwise = normwise
    }
}
