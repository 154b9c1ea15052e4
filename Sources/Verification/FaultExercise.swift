@_spi(FaultInjection) import MemoryModels
import SAMNumerics

/// Whether a code fault (`GradientFault`) can change anything a check sees on a case: the loss, the
/// outputs y [T, Y], every parameter gradient, dL/dx [T, X] and the memory after backward, compared
/// bit for bit between the model with the fault and without it (a Float-only fault: the Float model).
///
/// A fault that changes none of them on a case (an SDNC link fault on an episode too short to write a
/// link twice, the journal fault on a model without a journal) is no fault there: the fault sweep
/// counts that case as "cannot judge", neither caught nor missed.
enum FaultExercise {
    /// True when `fault` changes the computation of case `c`.
    static func changes(_ fault: GradientFault, on c: VerificationCase) throws -> Bool {
        if GradientFault.floatFaults.contains(fault) {
            let e = try c.episode()
            let episode = try Episode<Float>(configuration: c.configuration, inputs: e.inputs.map { Float($0) },
                                             targets: e.targets.map { Float($0) }, mask: e.mask.map { Float($0) })
            let clean = try c.model.makeFloat(c.configuration), faulted = try c.model.makeFloat(c.configuration)
            faulted.fault = fault
            return try outcome(clean, episode) != outcome(faulted, episode)
        }
        let episode = try c.episode()
        let clean = try c.makeModel(), faulted = try c.makeModel()
        faulted.fault = fault
        return try outcome(clean, episode) != outcome(faulted, episode)
    }

    /// Bit patterns of loss, outputs, parameter gradients, dL/dx and memory after one forward and backward.
    private static func outcome<S: ModelScalar>(_ m: any MemoryModel<S>, _ e: Episode<S>) throws -> [UInt64] {
        m.reset()
        let r = try m.forward(e, mode: .training, replay: nil)
        let dx = try m.backward(outputGradient: nil)
        let values = [r.loss] + r.outputs + Array(m.parameters.gradients) + dx + m.memory.snapshot()
        return values.map { Double($0).bitPattern }
    }
}
