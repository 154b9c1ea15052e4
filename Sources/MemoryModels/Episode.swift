import SAMNumerics

/// One training segment: T steps of inputs, targets and a loss mask.
///
/// Shapes: `inputs` T x X, `targets` T x Y (row-major, one row per step), `mask` T (1 = the step
/// counts in the loss, 0 = it does not). Validated against a configuration on construction.
public struct Episode<Scalar: ModelScalar>: Sendable {
    public let steps: Int
    public let inputs: [Scalar]
    public let targets: [Scalar]
    public let mask: [Scalar]

    public init(configuration c: ModelConfiguration, inputs: [Scalar], targets: [Scalar],
                mask: [Scalar]? = nil) throws(ConfigurationError) {
        let t = inputs.count / c.inputSize
        if t < 1 || inputs.count != t * c.inputSize {
            throw .outOfRange(field: "inputs", value: "\(inputs.count) values",
                              valid: "a positive multiple of X = \(c.inputSize) (T x X)")
        }
        if targets.count != t * c.outputSize {
            throw .outOfRange(field: "targets", value: "\(targets.count) values",
                              valid: "T x Y = \(t) x \(c.outputSize) = \(t * c.outputSize)")
        }
        let mask = mask ?? Array(repeating: 1, count: t)
        if mask.count != t {
            throw .outOfRange(field: "mask", value: "\(mask.count) values", valid: "T = \(t)")
        }
        for (field, values) in [("inputs", inputs), ("targets", targets), ("mask", mask)] {
            if let i = values.firstIndex(where: { !$0.isFinite }) {
                throw .outOfRange(field: "\(field)[\(i)]", value: "\(values[i])", valid: "a finite number")
            }
        }
        if let i = mask.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw .outOfRange(field: "mask[\(i)]", value: "\(mask[i])", valid: "0 or 1")
        }
        steps = t
        self.inputs = inputs
        self.targets = targets
        self.mask = mask
    }

    /// Truncated BPTT's segments: consecutive slices of at most `length` steps, in order, that
    /// together are this episode (one segment, `self`, when `length >= steps`).
    /// - Throws: `ConfigurationError` when `length < 1`.
    public func segments(of length: Int, _ c: ModelConfiguration) throws(ConfigurationError) -> [Episode] {
        guard length >= 1 else { throw .outOfRange(field: "segment", value: "\(length)", valid: "1 or more steps") }
        if length >= steps { return [self] }
        let x = inputs.count / steps, y = targets.count / steps
        return try stride(from: 0, to: steps, by: length).map { (start: Int) throws(ConfigurationError) -> Episode in
            let end = Swift.min(steps, start + length)
            return try Episode(configuration: c, inputs: Array(inputs[start * x ..< end * x]),
                               targets: Array(targets[start * y ..< end * y]), mask: Array(mask[start ..< end]))
        }
    }

    /// A seeded random episode: inputs uniform in [-1, 1], binary targets, all steps masked in.
    public static func random(configuration c: ModelConfiguration, steps: Int, seed: UInt64) throws(ConfigurationError) -> Episode {
        var rng = SeededGenerator(seed: seed)
        let x: [Scalar] = (0..<(steps * c.inputSize)).map { _ in rng.uniform(1) }
        let y: [Scalar] = (0..<(steps * c.outputSize)).map { _ in Bool.random(using: &rng) ? 1 : 0 }
        return try Episode(configuration: c, inputs: x, targets: y)
    }
}

/// The losses of SPEC "Decisions the paper leaves open", per step.
public enum Loss {
    /// Loss of one step's outputs `y` (Y) against `target` (Y).
    @inlinable public static func value<S: ModelScalar>(_ kind: LossKind, _ y: UnsafePointer<S>,
                                                        _ target: UnsafePointer<S>, count: Int) -> S {
        var total: S = 0
        for o in 0..<count {
            switch kind {
            case .sigmoidCrossEntropy:
                // max(y, 0) − y·z + log(1 + e^(−|y|)): stable for any y.
                total += max(y[o], 0) - y[o] * target[o] + S.log(onePlus: S.exp(-abs(y[o])))
            case .meanSquaredError:
                total += (y[o] - target[o]) * (y[o] - target[o]) / S(count)
            }
        }
        return total
    }

    /// dℓ/dy for one step, scaled by `weight` (the step's mask), written to `gradient` (Y).
    @inlinable public static func gradient<S: ModelScalar>(_ kind: LossKind, _ y: UnsafePointer<S>,
                                                           _ target: UnsafePointer<S>, count: Int, weight: S,
                                                           into gradient: UnsafeMutablePointer<S>) {
        for o in 0..<count {
            switch kind {
            case .sigmoidCrossEntropy: gradient[o] = weight * (Activation.sigmoid(y[o]) - target[o])
            case .meanSquaredError: gradient[o] = weight * 2 * (y[o] - target[o]) / S(count)
            }
        }
    }
}
