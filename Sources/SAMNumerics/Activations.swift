import RealModule

/// Scalar activations used by the controller and the interface (SPEC steps 2 and 3).
public enum Activation {
    /// σ(x) = 1 / (1 + e^(−x)), computed without overflow for large |x|.
    @inlinable public static func sigmoid<S: ModelScalar>(_ x: S) -> S {
        if x >= 0 { return 1 / (1 + S.exp(-x)) }
        let e = S.exp(x)
        return e / (1 + e)
    }
    /// softplus(x) = log(1 + e^x), computed without overflow; its derivative is σ(x).
    @inlinable public static func softplus<S: ModelScalar>(_ x: S) -> S {
        x > 0 ? x + S.log(onePlus: S.exp(-x)) : S.log(onePlus: S.exp(x))
    }
}

/// The stabilised norm of SPEC step 5: ‖v‖_ε = sqrt(v·v + ε).
@inlinable public func stabilisedNorm<S: ModelScalar>(_ v: UnsafePointer<S>, count: Int, epsilon: S) -> S {
    S.sqrt(S.dot(count, v, v) + epsilon)
}
