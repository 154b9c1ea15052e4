import SAMNumerics

/// A model whose training forward records the controller's fields (`ControllerLayout`) for every step.
///
/// `outputLayerInputs()` gives v_t = [h_t ; r_t], the output layer's input (SPEC step 6:
/// y_t = Wy v_t + by), for every step of the last training forward: T x (H + R*W) row-major, widened
/// to Double (exact from Float). The verification harness bounds each entry of dL/dWy = Σ_t dy_t v_tᵀ
/// by its own terms with it (`FloatAgreementCheck`). Empty after an inference forward.
public protocol RecordsOutputLayerInputs {
    /// [h_t ; r_t] for t = 1...T of the last training forward, T x (H + R*W).
    func outputLayerInputs() -> [Double]
}

extension ControllerLayout {
    /// v_t = [h_t ; r_t] of every step of `tape` (each record starts with the controller's fields).
    func outputLayerInputs<Scalar: ModelScalar>(_ tape: Tape<Scalar>) -> [Double] {
        let width = h + r * w
        var v = [Double]()
        v.reserveCapacity(tape.steps * width)
        for t in 0..<tape.steps {
            let record = tape.scalars(t) + hidden
            for i in 0..<width { v.append(Double(record[i])) }
        }
        return v
    }
}

extension SAM: RecordsOutputLayerInputs {
    public func outputLayerInputs() -> [Double] { layout.outputLayerInputs(tape) }
}

extension DAM: RecordsOutputLayerInputs {
    public func outputLayerInputs() -> [Double] { layout.outputLayerInputs(tape) }
}

extension SDNC: RecordsOutputLayerInputs {
    public func outputLayerInputs() -> [Double] { layout.outputLayerInputs(tape) }
}

extension BareController: RecordsOutputLayerInputs {
    public func outputLayerInputs() -> [Double] { layout.outputLayerInputs(tape) }
}
