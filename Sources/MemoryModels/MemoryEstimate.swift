import NearestNeighbours
import SAMNumerics

/// Scalar counts of a configuration, each a checked product of sizes (SPEC "Notation"), from which
/// the memory a model needs is estimated before anything is allocated.
public struct ModelFootprint: Sendable, Equatable {
    /// Parameters P: LSTM 4H·(X + R·W + H + 1), interface R·(2W + 3)·(H + 1), output Y·(H + R·W + 1).
    public let parameters: Int
    /// Scalars of the model's state besides parameters: M and M_0 (2·N·W), an index copy of M for the
    /// approximate indexes (N·W), usage and per-row bookkeeping (4·N).
    public let state: Int
    /// Scalars the backward record keeps per step: DAM N·W + 4·R·N (the dense memory and weightings),
    /// SAM 2·R·(K + 1)·W + 4·R·K (the journal of touched rows); both 8·H + 4·R·W for the controller.
    public let recordPerStep: Int

    /// `nil` when a product of sizes overflows `Int`.
    public init?(n: Int, w: Int, r: Int, k: Int, h: Int, x: Int, y: Int, dense: Bool, approximateIndex: Bool) {
        typealias S = SizeSyntax
        let interface = S.sum([S.product(2, w), 3])
        guard let interface,
              let parameters = S.sum([S.product(4, h, x), S.product(4, h, r, w), S.product(4, h, h), S.product(4, h),
                                      S.product(r, interface, h), S.product(r, interface),
                                      S.product(y, h), S.product(y, r, w), y]),
              let state = S.sum([S.product(approximateIndex ? 3 : 2, n, w), S.product(4, n)]),
              let controller = S.sum([S.product(8, h), S.product(4, r, w)]),
              let memory = dense ? S.sum([S.product(n, w), S.product(4, r, n)])
                                 : S.sum([S.product(2, r, k + 1, w), S.product(4, r, k)]),
              let recordPerStep = S.sum([controller, memory])
        else { return nil }
        self.parameters = parameters
        self.state = state
        self.recordPerStep = recordPerStep
    }

    /// Bytes for an episode of `steps` steps with `scalarBytes`-byte scalars, counting parameters
    /// `parameterCopies` times (values and gradients: 2; with Adam's two moments: 4); `nil` on overflow.
    public func bytes(scalarBytes: Int, steps: Int, parameterCopies: Int = 2) -> Int? {
        guard let scalars = SizeSyntax.sum([SizeSyntax.product(parameterCopies, parameters), state,
                                            SizeSyntax.product(steps, recordPerStep)]) else { return nil }
        return SizeSyntax.product(scalars, scalarBytes)
    }
}

extension ModelConfiguration {
    /// The footprint of SAM (`dense: false`) or DAM (`dense: true`) with this configuration.
    public func footprint(dense: Bool) -> ModelFootprint {
        // The initialiser checked that the dense footprint (the larger) has no overflow.
        ModelFootprint(n: memoryWords, w: wordSize, r: heads, k: neighbours, h: hidden, x: inputSize, y: outputSize,
                       dense: dense, approximateIndex: index != .exact)!
    }
}
