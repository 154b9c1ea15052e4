/// A relative fault of a chosen size put on the analytic gradient after backward, for the fault sweep:
/// every entry of one block (SPEC name or `inputs`) scaled by 1 + magnitude, or only the block's
/// largest entry (`oneEntry`). The model code is untouched; the check judges the changed gradient as
/// it would a wrong backward pass that produced it.
public struct GradientPerturbation: Codable, Sendable, Equatable {
    /// The parameter block (SPEC name, or `inputs`) whose gradient is changed.
    public let block: String
    /// Only the block's largest entry (true) or every entry (false).
    public let oneEntry: Bool
    /// m: the gradient is scaled by 1 + m.
    public let magnitude: Double

    /// A perturbation of `block`'s gradient by the relative `magnitude`.
    public init(block: String, oneEntry: Bool = false, magnitude: Double) {
        self.block = block
        self.oneEntry = oneEntry
        self.magnitude = magnitude
    }

    /// Applies to `gradient`, whose blocks are `blocks` (name, range).
    func apply(to gradient: inout [Double], blocks: [(String, Range<Int>)]) {
        guard let range = blocks.first(where: { $0.0 == block })?.1, !range.isEmpty else { return }
        if oneEntry {
            let i = range.max { abs(gradient[$0]) < abs(gradient[$1]) }!
            gradient[i] *= 1 + magnitude
        } else {
            for i in range { gradient[i] *= 1 + magnitude }
        }
    }
}
