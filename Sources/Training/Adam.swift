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
        let (beta1, beta2, epsilon, learningRate) = (beta1, beta2, epsilon, learningRate)
        // The moments through buffer pointers: indexing a class's stored array checks exclusivity at run
        // time on every access (swift_beginAccess), which was two thirds of a training run's instructions.
        first.withUnsafeMutableBufferPointer { first in
            second.withUnsafeMutableBufferPointer { second in
                for i in 0..<g.count {
                    let gi = g[i]
                    first[i] = beta1 * first[i] + (1 - beta1) * gi
                    second[i] = beta2 * second[i] + (1 - beta2) * gi * gi
                    v[i] -= learningRate * (first[i] / correction1) / (Scalar.sqrt(second[i] / correction2) + epsilon)
                }
            }
        }
        return norm
    }

    public var state: OptimiserState { OptimiserState(kind: .adam, steps: steps, first, second) }

    public func restore(_ state: OptimiserState) throws(CheckpointError) {
        (first, second) = try state.buffers(kind: .adam, count: first.count)
        steps = state.steps
    }
}

extension OptimiserState {
    /// The state of an optimiser with two buffers of P scalars.
    init<Scalar: ModelScalar>(kind: OptimiserKind, steps: Int, _ a: [Scalar], _ b: [Scalar]) {
        self.init(kind: kind, steps: steps, buffers: [ExactScalars(a), ExactScalars(b)])
    }

    /// The two buffers, after checking the kind (else `mismatch`) and that there are two of P = `count` scalars (else `corrupt`).
    func buffers<Scalar: ModelScalar>(kind expected: OptimiserKind, count: Int) throws(CheckpointError) -> ([Scalar], [Scalar]) {
        if kind != expected { throw .mismatch(field: "optimizer", checkpoint: kind.rawValue, requested: expected.rawValue) }
        if buffers.count != 2 || buffers.contains(where: { $0.values.count != count }) || steps < 0 {
            throw .corrupt(reason: "optimiser state: \(buffers.map { $0.values.count }) buffer sizes, expected 2 of P = \(count)")
        }
        return (buffers[0].values.map { Scalar($0) }, buffers[1].values.map { Scalar($0) })
    }
}
