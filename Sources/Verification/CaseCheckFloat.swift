import MemoryModels

extension CaseCheck {
    /// The fields of a float32 case, judged with the Float-derived bound (`FloatBound`, the one
    /// `FloatAgreementCheck` uses; Proofs/float-precision.md).
    ///
    /// The point is the file's: θ (`parameters`, flat in `ParameterStore` order), x, z, m and M_0, all
    /// float32 values (`CaseFile.validate` checks it), with the file's decisions replayed. The
    /// reference and S_b come from the Double model there. R_b, the rounding noise of a Float
    /// evaluation, is measured on samkit's Float model at the same point with the same decisions
    /// (`FloatRun.noise`): the file's implementation is not at hand, and its rounding is taken to be
    /// of the same size. Per field: DISAGREE when an entry exceeds its τ, otherwise cannot judge when
    /// τ_b ≥ 0.1 × the block's largest entry (`BlockJudgement`), otherwise agree.
    static func floatFields(_ file: CaseFile, parameters: [Double], decisions: RecordedDecisions) throws -> [Field] {
        let c = file.configuration
        let episode: Episode<Float>
        do {
            episode = try Episode(configuration: c, inputs: file.inputs.values.map { Float($0) },
                                  targets: file.targets.values.map { Float($0) }, mask: file.mask.values.map { Float($0) })
        } catch { throw CaseFileError(field: "inputs/targets/mask", problem: error.description) }
        let run = try FloatRun(file.model, c, parameters: parameters.map { Float($0) },
                               memory: file.initialMemory.values.map { Float($0) }, episode: episode, replay: decisions)
        if let b = run.blocks.firstIndex(where: { $0.contains { !$0.isFinite } }) {
            throw CaseFileError(field: "parameters/inputs/initialMemory",
                                problem: "the Float model's \(b == 0 ? "loss" : b == 1 ? "outputs" : "gradients") are not finite "
                                    + "at this point (values this large overflow float32)")
        }
        let noise = try run.noise(seed: file.seed)
        let slices = run.model.parameters.slices
        let observed = [[file.loss], file.outputs.values] + slices.map { file.gradients[$0.name]!.values }
            + [file.inputGradient.values]
        let point = FloatBound.Point(kind: file.model, configuration: c, parameters: parameters, inputs: file.inputs.values,
                                     targets: file.targets.values, mask: file.mask.values, memory: file.initialMemory.values,
                                     decisions: decisions, seed: file.seed)
        let bound = try FloatBound(point, observed: observed, noise: noise)
        let names = ["loss", "outputs"] + slices.map { "gradients.\($0.name)" } + ["inputGradient"]
        return zip(names, bound.blocks).map { name, b -> Field in
            let verdict: Verdict = b.failed ? .disagree : b.cannotJudge != nil ? .cannotJudge : .agree
            let note: String = b.cannotJudge.map { "\($0); \(b.note)" } ?? b.note
            let relative: Double = b.scale > 0 ? b.maxDifference / b.scale : 0
            return Field(name: name, maxAbsoluteDifference: b.maxDifference, relativeDifference: relative,
                         exact: b.maxDifference == 0, verdict: verdict, tolerance: b.largestTolerance, note: note)
        }
    }
}
