@_spi(FaultInjection) import MemoryModels

/// Dense equivalence (SPEC: "DAM is exactly SAM with K = N and an exact index").
///
/// - `denseEquivalence`: SAM with K = N and an exact index against DAM on the same configuration,
///   parameters and episode: loss, outputs (T x Y), every parameter gradient and dL/dx (T x X), plus
///   the least-used rows of every step.
/// - `maskedEquivalence`: SAM with the case's K (and index) against a masked DAM that replays SAM's
///   decisions (softmax restricted to S_j, the same u_j), every gradient compared row by row.
///
/// The model of the case's kind is the one under test (and gets the fault); the other is the reference.
///
/// For the SDNC the pair is the sparse-link SDNC with K_L = N against the dense-link baseline
/// (`TemporalLinkSettings.dense`, the DNC's N x N links) on the same parameters, both free (no replay,
/// exact index): `denseEquivalence` with K = N, `maskedEquivalence` with the case's K. With K_L = N the
/// sparse links equal the dense ones, so every output and gradient must agree.
/// Tolerance: `Tolerance.denseRelative` norm-wise per block.
public enum DenseEquivalenceCheck {
    /// Compares SAM with K = N against DAM (`masked` false), or SAM against DAM masked to SAM's
    /// selected rows (`masked` true), on case `c`; `fault` is injected into the model under test.
    public static func run(_ c: VerificationCase, masked: Bool, fault: GradientFault? = nil) throws -> CheckResult {
        var configuration = masked ? c.configuration
            : try c.configuration.with(neighbours: c.configuration.memoryWords, index: .exact)
        let sam: any MemoryModel<Double>, dam: any MemoryModel<Double>
        if c.model == .sdnc {
            let n = configuration.memoryWords, gradient = configuration.temporalLinks?.gradient ?? .recorded
            configuration = try configuration.with(index: .exact, temporalLinks: TemporalLinkSettings(entries: n, gradient: gradient))
            sam = try SDNC<Double>(configuration: configuration)
            dam = try SDNC<Double>(configuration: configuration.with(
                temporalLinks: TemporalLinkSettings(entries: n, gradient: gradient, dense: true)))
        } else {
            sam = try SAM<Double>(configuration: configuration)
            dam = DAM<Double>(configuration: configuration)
        }
        dam.parameters.copyValues(from: sam.parameters)
        (c.model == .dam ? dam : sam).fault = fault
        let episode = try c.episode()
        let a = try sam.forward(episode, mode: .training, replay: nil)
        let b = try dam.forward(episode, mode: .training, replay: masked && c.model != .sdnc ? sam.decisions : nil)
        let dxSAM = try sam.backward(outputGradient: nil), dxDAM = try dam.backward(outputGradient: nil)

        var comparison = BlockComparison(relative: Tolerance.denseRelative,
                                         source: "summation-order rounding between SAM and \(masked ? "masked " : "")DAM")
        let underTestIsSAM = c.model != .dam
        let gradientScale = (Array(sam.parameters.gradients) + Array(dam.parameters.gradients) + dxSAM + dxDAM)
            .reduce(0.0) { max($0, abs($1)) }
        let outputScale = (a.outputs + b.outputs).reduce(0.0) { max($0, abs($1)) }
        func add(_ name: String, _ shape: [Int], _ s: some Collection<Double>, _ d: some Collection<Double>,
                 scale: Double = gradientScale, scaleName: String = "max|any gradient|") {
            if underTestIsSAM { comparison.add(name, shape: shape, s, d, scale: scale, scaleName: scaleName) }
            else { comparison.add(name, shape: shape, d, s, scale: scale, scaleName: scaleName) }
        }
        let cf = configuration
        add("loss", [1], [a.loss], [b.loss], scale: outputScale, scaleName: "max|outputs|")
        add("outputs", [episode.steps, cf.outputSize], a.outputs, b.outputs, scale: 0)
        for slice in sam.parameters.slices {
            add(slice.name, slice.shape, sam.parameters.gradient(slice.name), dam.parameters.gradient(slice.name))
        }
        add("inputs", [episode.steps, cf.inputSize], dxSAM, dxDAM)
        var notes: [String] = []
        let leastUsedSAM = sam.decisions.steps.map(\.leastUsed), leastUsedDAM = dam.decisions.steps.map(\.leastUsed)
        if let t = leastUsedSAM.indices.first(where: { $0 >= leastUsedDAM.count || leastUsedSAM[$0] != leastUsedDAM[$0] }) {
            notes.append("step \(t + 1) least-used rows: SAM \(leastUsedSAM[t]) vs DAM \(leastUsedDAM[t])")
        }
        return CheckResult(check: masked ? .maskedEquivalence : .denseEquivalence,
                           verificationCase: c.with(configuration: configuration),
                           passed: !comparison.tracker.failed && notes.isEmpty, worst: comparison.tracker.worst,
                           compared: comparison.tracker.compared, notes: notes,
                           normwiseRelativeError: comparison.normwise)
    }
}
