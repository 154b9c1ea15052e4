import MemoryModels
import SAMNumerics

/// A case whose forward or backward produced a non-finite number (issue 13, item 5): where and what.
/// `samkit verify` stops at the first one. A generated case is valid input, so a non-finite value
/// there is the model's failure (exit 1); a case file whose values drive the model to overflow is a
/// bad input (`CaseCheck.run` throws it as a `CaseFileError`, exit 2).
public struct NonFiniteValueInCase: Error, Equatable, CustomStringConvertible {
    /// The case, as `VerificationCase.description` prints it (model, seed, configuration).
    public let subject: String
    /// Where: "time step t" (0-based) of the forward, "the loss over all steps", or "the backward pass".
    public let step: String
    /// The quantity and coordinate, e.g. "output y[3][2]", "loss", "gradient of lstm.Wx[17]", "dL/dx[2][0]".
    public let quantity: String
    /// The value found (nan, inf or -inf).
    public let value: Double

    /// "non-finite value: QUANTITY = VALUE at STEP of CASE (valid: finite)".
    public var description: String {
        "non-finite value: \(quantity) = \(value) at \(step) of \(subject) (valid: finite)"
    }
}

/// Scans one forward (training) and backward of a model for the first non-finite value.
public enum NonFiniteScan {
    /// The first non-finite output y_t (T × Y), then the loss, then any parameter gradient (SPEC
    /// names), then dL/dx (T × X); nil when all are finite.
    public static func first(_ model: any MemoryModel<Double>, forward result: ForwardResult<Double>,
                             inputGradient dx: [Double], subject: String) -> NonFiniteValueInCase? {
        let c = model.configuration
        if let i = result.outputs.firstIndex(where: { !$0.isFinite }) {
            return NonFiniteValueInCase(subject: subject, step: "time step \(i / c.outputSize)",
                                        quantity: "output y[\(i / c.outputSize)][\(i % c.outputSize)]", value: result.outputs[i])
        }
        if !result.loss.isFinite {
            return NonFiniteValueInCase(subject: subject, step: "the loss over all steps", quantity: "loss", value: result.loss)
        }
        for s in model.parameters.slices {
            let g = model.parameters.gradient(s.name)
            if let i = g.firstIndex(where: { !$0.isFinite }) {
                return NonFiniteValueInCase(subject: subject, step: "the backward pass",
                                            quantity: "gradient of \(s.name)[\(i - g.startIndex)]", value: g[i])
            }
        }
        if let i = dx.firstIndex(where: { !$0.isFinite }) {
            return NonFiniteValueInCase(subject: subject, step: "the backward pass",
                                        quantity: "dL/dx[\(i / c.inputSize)][\(i % c.inputSize)]", value: dx[i])
        }
        return nil
    }

    /// Runs case `c` once (its own decisions) and scans it.
    public static func first(_ c: VerificationCase) throws -> NonFiniteValueInCase? {
        let model = try c.makeModel()
        let result = try model.forward(try c.episode(), mode: .training, replay: nil)
        let dx = try model.backward(outputGradient: nil)
        return first(model, forward: result, inputGradient: dx, subject: "\(c)")
    }
}
