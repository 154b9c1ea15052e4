import MemoryModels
import SAMNumerics

/// A training run that produced a non-finite number: which episode, which step, which quantity.
/// Training stops at the first one rather than printing NaN losses (README "Exit codes": exit 2).
public struct NonFiniteValue: Error, Equatable, CustomStringConvertible {
    /// The episode (1-based) in which it appeared.
    public let episode: Int
    /// Where in the episode: "time step t" (0-based) of the forward, or "the Adam update".
    public let step: String
    /// The quantity and coordinate, e.g. "output y[3][2]", "loss", "gradient of lstm.Wx[17]".
    public let quantity: String
    /// The value found (nan, inf or -inf).
    public let value: Double

    public var description: String {
        "non-finite value: \(quantity) = \(value) in episode \(episode), \(step) (valid: finite; lower --learning-rate or check the inputs)"
    }

    /// The first non-finite output y_t (T × Y row-major, `outputSize` Y), then the loss.
    @_specialize(where S == Float)
    static func inForward<S: ModelScalar>(_ result: ForwardResult<S>, outputSize: Int, episode: Int) -> NonFiniteValue? {
        if let i = result.outputs.firstIndex(where: { !$0.isFinite }) {
            return NonFiniteValue(episode: episode, step: "time step \(i / outputSize)",
                                  quantity: "output y[\(i / outputSize)][\(i % outputSize)]", value: Double(result.outputs[i]))
        }
        if !result.loss.isFinite {
            return NonFiniteValue(episode: episode, step: "the loss over all steps", quantity: "loss", value: Double(result.loss))
        }
        return nil
    }

    /// The first non-finite entry of the gradients (`gradients: true`) or values of `store`.
    @_specialize(where S == Float)
    static func inParameters<S: ModelScalar>(_ store: ParameterStore<S>, gradients: Bool, episode: Int) -> NonFiniteValue? {
        let buffer = gradients ? store.gradients : store.values
        guard let i = buffer.firstIndex(where: { !$0.isFinite }) else { return nil }
        let slice = store.slices.last { $0.offset <= i }!
        return NonFiniteValue(episode: episode, step: gradients ? "the backward pass" : "the Adam update",
                              quantity: "\(gradients ? "gradient of " : "parameter ")\(slice.name)[\(i - slice.offset)]",
                              value: Double(buffer[i]))
    }
}
