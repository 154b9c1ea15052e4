import MemoryModels
import SAMNumerics

/// Adam (Kingma & Ba) over a model's `ParameterStore`, with global-norm gradient clipping.
///
/// Works on the store's flat value and gradient buffers (P scalars each) and keeps two moment
/// buffers of P scalars: one update is O(P), no allocation.
public final class Adam<Scalar: ModelScalar>: Optimiser {
    public let learningRate: Scalar
    public let beta1: Scalar, beta2: Scalar, epsilon: Scalar
    /// Gradients whose L2 norm exceeds this are scaled down to it (nil: no clipping).
    public let clipNorm: Scalar?
    private var first: [Scalar], second: [Scalar]
    public private(set) var steps = 0

    public init(parameterCount: Int, learningRate: Scalar = 1e-3, beta1: Scalar = 0.9, beta2: Scalar = 0.999,
                epsilon: Scalar = 1e-8, clipNorm: Scalar? = 10) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.clipNorm = clipNorm
        first = Array(repeating: 0, count: parameterCount)
        second = Array(repeating: 0, count: parameterCount)
    }

    public var kind: OptimiserKind { .adam }

    /// One update of `store.values` from `store.gradients` (clipped in place). Returns the gradient norm before clipping.
    @discardableResult
@_specialize(where Scalar == Float)
    public func step(_ store: ParameterStore<Scalar>) -> Scalar {
        precondition(store.totalCount == first.count, "Adam: the store has a different size")
        let g = store.gradients, v = store.values
        let norm = clipGlobalNorm(g, to: clipNorm)
        steps += 1
        let correction1 = 1 - Scalar.pow(beta1, steps), correction2 = 1 - Scalar.pow(beta2, steps)
        for i in 0..<g.count {
            let gi = g[i]
            first[i] = beta1 * first[i] + (1 - beta1) * gi
            second[i] = beta2 * second[i] + (1 - beta2) * gi * gi
            v[i] -= learningRate * (first[i] / correction1) / (Scalar.sqrt(second[i] / correction2) + epsilon)
        }
        return norm
    }

    public var state: OptimiserState {
        OptimiserState(kind: .adam, steps: steps, buffers: [ExactScalars(first), ExactScalars(second)])
    }

    public func restore(_ state: OptimiserState) throws(CheckpointError) {
        try state.check(kind: .adam, buffers: 2, count: first.count)
        first = state.buffers[0].values.map { Scalar($0) }
        second = state.buffers[1].values.map { Scalar($0) }
        steps = state.steps
    }
}

extension OptimiserState {
    /// Throws `CheckpointError.mismatch` unless this state has `kind` and `buffers` buffers of `count` scalars.
    func check(kind expected: OptimiserKind, buffers n: Int, count: Int) throws(CheckpointError) {
        if kind != expected { throw .mismatch(field: "optimizer", checkpoint: kind.rawValue, requested: expected.rawValue) }
        if buffers.count != n || buffers.contains(where: { $0.values.count != count }) || steps < 0 {
            throw .corrupt(reason: "optimiser state: \(buffers.map { $0.values.count }) buffer sizes, expected \(n) of P = \(count)")
        }
    }
}
