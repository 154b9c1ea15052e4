@_spi(FaultInjection) import MemoryModels
import SAMNumerics

/// One training forward and backward of the Float model (`ModelKind.makeFloat`) at a Float point,
/// with every result widened exactly to Double: the blocks that `FloatBound` judges, in its order —
/// the loss [1], the outputs y [T, Y], each parameter gradient (SPEC names, `ParameterStore` order),
/// dL/dx [T, X]. `FloatAgreementCheck` runs it with the model's own decisions; `--dump-case
/// --precision float` writes it as a float32 case; `--check-case` runs it at a float32 case's point
/// with the case's decisions replayed, for R_b only (`noise`).
struct FloatRun {
    /// The Float model, after the run (its tape, its decisions).
    let model: any MemoryModel<Float>
    /// The Float episode: x [T, X], z [T, Y], m [T].
    let episode: Episode<Float>
    /// M_0 [N, W], the parameters (flat, `ParameterStore` order), x [T, X], z [T, Y], m [T], widened.
    let memory: [Double], parameters: [Double], inputs: [Double], targets: [Double], mask: [Double]
    /// u_j and S_j of the run (its own, or the replayed ones).
    let decisions: RecordedDecisions
    /// [loss], y, each dL/dθ block, dL/dx, widened.
    let blocks: [[Double]]

    /// Runs `kind` on `configuration` at the given point. `parameters` (flat) and `memory` (N x W)
    /// replace the model's own when given; `replay` holds the decisions fixed (nil: the model decides).
    init(_ kind: ModelKind, _ configuration: ModelConfiguration, parameters: [Float]? = nil, memory: [Float]? = nil,
         episode: Episode<Float>, replay: RecordedDecisions? = nil, fault: GradientFault? = nil) throws {
        let single = try kind.makeFloat(configuration)
        single.fault = fault
        if let parameters { _ = single.parameters.values.update(fromContentsOf: parameters) }
        single.reset()
        if let memory { DecisionAudit.start(single, memory: memory) }
        self.memory = single.memory.snapshot().map { Double($0) }
        self.parameters = Array(single.parameters.values).map { Double($0) }
        let result = try single.forward(episode, mode: .training, replay: replay)
        let dx = try single.backward(outputGradient: nil).map { Double($0) }
        model = single
        self.episode = episode
        inputs = episode.inputs.map { Double($0) }
        targets = episode.targets.map { Double($0) }
        mask = episode.mask.map { Double($0) }
        decisions = replay ?? single.decisions
        blocks = Self.blocks(single, result.loss, result.outputs, dx)
    }

    /// A generated case's point: its episode rounded to Float, its parameters (a trained point's) rounded.
    init(_ c: VerificationCase, fault: GradientFault? = nil) throws {
        let e = try c.episode()
        let episode = try Episode<Float>(configuration: c.configuration, inputs: e.inputs.map { Float($0) },
                                         targets: e.targets.map { Float($0) }, mask: e.mask.map { Float($0) })
        try self.init(c.model, c.configuration, parameters: c.parameters?.map { Float($0) }, episode: episode, fault: fault)
    }

    /// The blocks of a Float model's run, widened: [loss], y, each parameter gradient, dL/dx.
    static func blocks(_ model: any MemoryModel<Float>, _ loss: Float, _ outputs: [Float], _ dx: [Double]) -> [[Double]] {
        [[Double(loss)], outputs.map { Double($0) }]
            + model.parameters.slices.map { Array(model.parameters.gradient($0.name)).map { Double($0) } } + [dx]
    }

    /// R_b, the Float model's own rounding noise per block (Proofs/float-precision.md, term 3): the
    /// largest change of any entry of b between this run and Float runs at the point with every datum
    /// (parameters, inputs, M_0) moved one ulp up or down at random, over `FloatAgreementCheck.draws`
    /// draws, all replaying this run's decisions. It sees the roundings inside intermediate
    /// cancellations (a cosine's two gradient terms, which cancel exactly when W = 1) that neither the
    /// Double model's data sensitivity S_b nor the read-sum term bounds. A fault of the Float path that
    /// is a fixed function of the data moves every run alike, so it cancels from R_b.
    /// The model's parameters are left moved.
    func noise(seed: UInt64) throws -> [Double] {
        var rng = SeededGenerator(seed: seed ^ 0x0F1D_A7A0_15E0)
        func moved(_ v: [Float]) -> [Float] { v.map { Bool.random(using: &rng) ? $0.nextUp : $0.nextDown } }
        let parameters = parameters.map { Float($0) }, memory = memory.map { Float($0) }
        var noise = blocks.map { _ in 0.0 }
        for _ in 0..<FloatAgreementCheck.draws {
            let p = moved(parameters)
            for i in p.indices { model.parameters.values[i] = p[i] }
            DecisionAudit.start(model, memory: moved(memory))
            let e = try Episode<Float>(configuration: model.configuration, inputs: moved(episode.inputs),
                                       targets: episode.targets, mask: episode.mask)
            let r = try model.forward(e, mode: .training, replay: decisions)
            let dx = try model.backward(outputGradient: nil).map { Double($0) }
            for (b, block) in Self.blocks(model, r.loss, r.outputs, dx).enumerated() {
                noise[b] = max(noise[b], zip(block, blocks[b]).reduce(0) { max($0, abs($1.0 - $1.1)) })
            }
        }
        return noise
    }
}
