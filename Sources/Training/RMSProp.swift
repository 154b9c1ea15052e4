import MemoryModels
import SAMNumerics

/// RMSProp with momentum (Tieleman & Hinton; the optimiser of the NTM and SAM papers), with
/// global-norm gradient clipping: for gradient g (clipped),
/// v ← ρ v + (1 − ρ) g², m ← μ m + η g / (√v + ε), θ ← θ − m.
/// Two buffers of P scalars; one update is O(P), no allocation.
public final class RMSProp<Scalar: ModelScalar>: Optimiser {
    public let learningRate: Scalar
    /// Decay ρ of the squared-gradient average, momentum μ, stabiliser ε.
    public let decay: Scalar, momentum: Scalar, epsilon: Scalar
    public let clipNorm: Scalar?
    private var meanSquare: [Scalar], velocity: [Scalar]
    public private(set) var steps = 0

    public init(parameterCount: Int, learningRate: Scalar = 1e-4, decay: Scalar = 0.95, momentum: Scalar = 0.9,
                epsilon: Scalar = 1e-6, clipNorm: Scalar? = 10) {
        self.learningRate = learningRate
        self.decay = decay
        self.momentum = momentum
        self.epsilon = epsilon
        self.clipNorm = clipNorm
        meanSquare = Array(repeating: 0, count: parameterCount)
        velocity = Array(repeating: 0, count: parameterCount)
    }

    public var kind: OptimiserKind { .rmsprop }

    @discardableResult
@_specialize(where Scalar == Float)
    public func step(_ store: ParameterStore<Scalar>) -> Scalar {
        precondition(store.totalCount == meanSquare.count, "RMSProp: the store has a different size")
        let g = store.gradients, v = store.values
        let norm = clipGlobalNorm(g, to: clipNorm)
        steps += 1
        let (decay, momentum, epsilon, learningRate) = (decay, momentum, epsilon, learningRate)
        // Through buffer pointers, as in `Adam.step`: no run-time exclusivity check per element.
        meanSquare.withUnsafeMutableBufferPointer { meanSquare in
            velocity.withUnsafeMutableBufferPointer { velocity in
                for i in 0..<g.count {
                    meanSquare[i] = decay * meanSquare[i] + (1 - decay) * g[i] * g[i]
                    velocity[i] = momentum * velocity[i] + learningRate * g[i] / (Scalar.sqrt(meanSquare[i]) + epsilon)
                    v[i] -= velocity[i]
                }
            }
        }
        return norm
    }

    public var state: OptimiserState { OptimiserState(kind: .rmsprop, steps: steps, meanSquare, velocity) }

    public func restore(_ state: OptimiserState) throws(CheckpointError) {
        (meanSquare, velocity) = try state.buffers(kind: .rmsprop, count: meanSquare.count)
        steps = state.steps
    }
}
