import MemoryModels
import SAMNumerics

/// Adam (Kingma & Ba) over a model's `ParameterStore`, with global-norm gradient clipping.
///
/// Works on the store's flat value and gradient buffers (P scalars each) and keeps two moment
/// buffers of P scalars: one update is O(P), no allocation.
public final class Adam<Scalar: ModelScalar> {
    public let learningRate: Scalar
    public let beta1: Scalar, beta2: Scalar, epsilon: Scalar
    /// Gradients whose L2 norm exceeds this are scaled down to it (nil: no clipping).
    public let clipNorm: Scalar?
    private var first: [Scalar], second: [Scalar]
    private var steps = 0

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

    /// One update of `store.values` from `store.gradients`. Returns the gradient norm before clipping.
    @discardableResult
    public func step(_ store: ParameterStore<Scalar>) -> Scalar {
        precondition(store.totalCount == first.count, "Adam: the store has a different size")
        let g = store.gradients, v = store.values
        let norm = Scalar.sqrt(Scalar.dot(g.count, g.baseAddress!, g.baseAddress!))
        let scale = clipNorm.map { norm > $0 ? $0 / norm : 1 } ?? 1
        steps += 1
        let correction1 = 1 - Scalar.pow(beta1, steps), correction2 = 1 - Scalar.pow(beta2, steps)
        for i in 0..<g.count {
            let gi = g[i] * scale
            first[i] = beta1 * first[i] + (1 - beta1) * gi
            second[i] = beta2 * second[i] + (1 - beta2) * gi * gi
            v[i] -= learningRate * (first[i] / correction1) / (Scalar.sqrt(second[i] / correction2) + epsilon)
        }
        return norm
    }
}
