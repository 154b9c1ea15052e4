import SAMNumerics

/// One named parameter: where it sits in the store's flat buffers and its shape (row-major).
public struct ParameterSlice: Codable, Sendable, Equatable {
    /// SPEC name, e.g. `lstm.Wx`.
    public let name: String
    /// Shape, e.g. `[4H, X + R*W]`.
    public let shape: [Int]
    /// Offset of the first scalar in `values` and `gradients`.
    public let offset: Int
    /// Number of scalars.
    public var count: Int { shape.reduce(1, *) }
}

/// Every parameter of a model and its gradient, as named, flat, contiguous buffers
/// (SPEC "Parameters"). Harnesses and optimisers iterate `slices`.
///
/// All values live in one allocation and all gradients in another, in SPEC's order:
/// `lstm.Wx`, `lstm.Wh`, `lstm.b`, `interface.W`, `interface.b`, `output.W`, `output.b`.
public final class ParameterStore<Scalar: ModelScalar> {
    public let slices: [ParameterSlice]
    /// All parameter values, `totalCount` scalars.
    public let values: UnsafeMutableBufferPointer<Scalar>
    /// The gradient of the loss with respect to each value, filled by `backward`.
    public let gradients: UnsafeMutableBufferPointer<Scalar>

    /// Shapes of SPEC's parameters for a configuration.
    public static func layout(_ c: ModelConfiguration) -> [(String, [Int])] {
        let h = c.hidden
        return [("lstm.Wx", [4 * h, c.controllerInputSize]), ("lstm.Wh", [4 * h, h]), ("lstm.b", [4 * h]),
                ("interface.W", [c.interfaceSize, h]), ("interface.b", [c.interfaceSize]),
                ("output.W", [c.outputSize, h + c.heads * c.wordSize]), ("output.b", [c.outputSize])]
    }

    /// Allocates and initialises: weights uniform in ±scale/sqrt(fan-in) from `seed`, biases 0,
    /// except the forget-gate bias, which starts at +1 (SPEC step 2).
    public init(configuration c: ModelConfiguration) {
        var offset = 0
        slices = Self.layout(c).map { name, shape in
            defer { offset += shape.reduce(1, *) }
            return ParameterSlice(name: name, shape: shape, offset: offset)
        }
        values = .allocate(capacity: offset)
        values.initialize(repeating: 0)
        gradients = .allocate(capacity: offset)
        gradients.initialize(repeating: 0)
        var rng = SeededGenerator(seed: c.parameterSeed)
        for slice in slices where slice.shape.count == 2 {
            let bound = Scalar(c.parameterScale) / Scalar(slice.shape[1]).squareRoot()
            for i in slice.offset..<(slice.offset + slice.count) { values[i] = rng.uniform(bound) }
        }
        let bias = self["lstm.b"]
        for i in c.hidden..<(2 * c.hidden) { bias[i] = 1 }
    }

    deinit {
        values.deallocate()
        gradients.deallocate()
    }

    /// Total number of scalars over all parameters.
    public var totalCount: Int { values.count }

    /// The slice named `name`; traps on an unknown name (names are fixed by SPEC).
    public func slice(_ name: String) -> ParameterSlice {
        guard let s = slices.first(where: { $0.name == name }) else { fatalError("no parameter named \(name)") }
        return s
    }

    /// The values of the parameter `name`.
    public subscript(_ name: String) -> UnsafeMutableBufferPointer<Scalar> {
        let s = slice(name)
        return UnsafeMutableBufferPointer(rebasing: values[s.offset..<(s.offset + s.count)])
    }

    /// The gradient of the parameter `name`.
    public func gradient(_ name: String) -> UnsafeMutableBufferPointer<Scalar> {
        let s = slice(name)
        return UnsafeMutableBufferPointer(rebasing: gradients[s.offset..<(s.offset + s.count)])
    }

    /// Copy all values from another store of the same layout.
    public func copyValues(from other: ParameterStore<Scalar>) {
        precondition(other.slices == slices, "ParameterStore.copyValues: layouts differ")
        _ = values.update(fromContentsOf: other.values)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func zeroGradients() { gradients.update(repeating: 0) }

    /// Bytes of values and gradients.
    public var byteSize: Int { 2 * totalCount * MemoryLayout<Scalar>.stride }
}

/// Base pointers of every parameter and gradient, looked up once per pass instead of by name per step.
@usableFromInline
struct ParameterPointers<Scalar: ModelScalar> {
    let wx, wh, b, wi, bi, wy, by: UnsafeMutablePointer<Scalar>
    init(_ store: ParameterStore<Scalar>, gradients: Bool) {
        let base = gradients ? store.gradients.baseAddress! : store.values.baseAddress!
        func at(_ name: String) -> UnsafeMutablePointer<Scalar> { base + store.slice(name).offset }
        wx = at("lstm.Wx"); wh = at("lstm.Wh"); b = at("lstm.b")
        wi = at("interface.W"); bi = at("interface.b")
        wy = at("output.W"); by = at("output.b")
    }
}
