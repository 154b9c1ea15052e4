import MemoryModels
import NearestNeighbours
import SAMNumerics

/// One thing to verify: a model kind, a configuration, and a seeded episode of T steps.
/// Replays exactly from its fields (the configuration carries the parameter and memory seeds).
public struct VerificationCase: Codable, Sendable, Equatable, CustomStringConvertible {
    /// SAM or DAM.
    public let model: ModelKind
    /// Sizes, seeds of the parameters and M_0, index, loss.
    public let configuration: ModelConfiguration
    /// Sequence length T.
    public let steps: Int
    /// Seed of `Episode.random` (inputs in [-1, 1], binary targets).
    public let episodeSeed: UInt64
    /// The seed the case was generated from (`CaseGenerator`), printed so a failure replays.
    public let seed: UInt64
    /// Fraction of steps in the loss (mask entry 1), in (0, 1]; 1 masks every step in.
    public let maskDensity: Double
    /// Parameter values to check at instead of the seeded initialisation (P, SPEC's order), e.g. a
    /// trained checkpoint's (`samkit verify --parameters`); nil: the configuration's seeded values.
    public var parameters: [Double]?

    /// A case from its fields (`make` builds one from raw sizes).
    public init(model: ModelKind, configuration: ModelConfiguration, steps: Int, episodeSeed: UInt64, seed: UInt64,
                maskDensity: Double = 1) {
        self.model = model
        self.configuration = configuration
        self.steps = steps
        self.episodeSeed = episodeSeed
        self.seed = seed
        self.maskDensity = maskDensity
    }

    /// Builds a case from raw sizes; K and R are clamped to N (K ≤ N, R ≤ N). Used by the seeded
    /// generator and by the property-based tests (whose shrinker works on these integers).
    /// `memoryScale` 0 means M_0 = 0 (ties everywhere), otherwise a uniform fill in ±memoryScale;
    /// `initialMemory` (N x W values) replaces either.
    public static func make(model: ModelKind, n: Int, w: Int, r: Int, k: Int, h: Int, x: Int, y: Int, t: Int,
                            threshold: Double = 0.005, memoryScale: Double = 0.5, parameterScale: Double = 1,
                            loss: LossKind = .sigmoidCrossEntropy, index: IndexKind = .exact,
                            maskDensity: Double = 1, initialMemory: [Double]? = nil,
                            seed: UInt64) throws(ConfigurationError) -> VerificationCase {
        let memory: MemoryInitialisation = initialMemory.map { .values($0) }
            ?? (memoryScale > 0 ? .uniform(scale: memoryScale, seed: seed &+ 1) : .zeros)
        let c = try ModelConfiguration(
            memoryWords: n, wordSize: w, heads: min(r, n), neighbours: min(k, n), hidden: h, inputSize: x,
            outputSize: y, accessThreshold: threshold, memoryInitialisation: memory, index: index,
            loss: loss, parameterSeed: seed &+ 2, parameterScale: parameterScale)
        // SDNC: K_L in 2...4 (clamped to N) from the seed, so toy cases cut the link rows.
        let links = model == .sdnc ? try c.with(temporalLinks: TemporalLinkSettings(entries: min(n, 2 + Int(seed % 3)))) : c
        return VerificationCase(model: model, configuration: links, steps: t, episodeSeed: seed &+ 3, seed: seed,
                                maskDensity: maskDensity)
    }

    /// The same case on another model kind, or another configuration.
    public func with(model: ModelKind? = nil, configuration: ModelConfiguration? = nil) -> VerificationCase {
        VerificationCase(model: model ?? self.model, configuration: configuration ?? self.configuration,
                         steps: steps, episodeSeed: episodeSeed, seed: seed, maskDensity: maskDensity)
    }

    /// The same case with the SDNC's link gradient option set (`TemporalLinkSettings.Gradient`); a case
    /// without temporal links is returned as it is.
    public func with(linkGradient: TemporalLinkSettings.Gradient) throws(ConfigurationError) -> VerificationCase {
        guard var links = configuration.temporalLinks, links.gradient != linkGradient else { return self }
        links.gradient = linkGradient
        var c = with(configuration: try configuration.with(temporalLinks: links))
        c.parameters = parameters
        return c
    }

    /// Inputs and targets from `Episode.random`; with `maskDensity` < 1, each step's mask entry is 1
    /// with that probability (its own seeded stream; at least one step stays in).
    public func episode() throws(ConfigurationError) -> Episode<Double> {
        let e = try Episode<Double>.random(configuration: configuration, steps: steps, seed: episodeSeed)
        guard maskDensity < 1 else { return e }
        var g = SeededGenerator(seed: episodeSeed ^ 0x3A5C_0FF5)
        var mask: [Double] = (0..<steps).map { _ in Double.random(in: 0..<1, using: &g) < maskDensity ? 1 : 0 }
        if !mask.contains(1) { mask[Int.random(in: 0..<steps, using: &g)] = 1 }
        return try Episode(configuration: configuration, inputs: e.inputs, targets: e.targets, mask: mask)
    }

    /// A fresh model of this case's kind.
    public func makeModel() throws -> any MemoryModel<Double> {
        let m = try model.make(configuration)
        if let parameters {
            guard parameters.count == m.parameters.totalCount else {
                throw ConfigurationError.outOfRange(field: "parameters", value: "\(parameters.count) values",
                                                    valid: "P = \(m.parameters.totalCount) for this configuration")
            }
            _ = m.parameters.values.update(fromContentsOf: parameters)
        }
        return m
    }

    /// Compact: "N=6 W=3 R=2 K=2 H=4 X=3 Y=2 T=4 δ=0.005 M0=±0.5 scale=1 sce exact seed=7".
    public var description: String {
        let c = configuration
        let memory: String = switch c.memoryInitialisation {
        case .zeros: "M0=0"
        case let .uniform(scale, _): "M0=±\(format(scale, digits: 2))"
        case .values: "M0=given"
        }
        let loss = c.loss == .sigmoidCrossEntropy ? "sce" : "mse"
        return "N=\(c.memoryWords) W=\(c.wordSize) R=\(c.heads) K=\(c.neighbours) H=\(c.hidden) X=\(c.inputSize) "
            + "Y=\(c.outputSize) T=\(steps) δ=\(c.accessThreshold) \(memory) scale=\(format(c.parameterScale, digits: 2)) "
            + "\(loss) \(c.index)\(maskDensity < 1 ? " mask=\(format(maskDensity, digits: 2))" : "") seed=\(seed)"
    }
}

/// `x` with at most `digits` decimals, trailing zeros dropped.
func format(_ x: Double, digits: Int) -> String {
    var p = 1.0
    for _ in 0..<digits { p *= 10 }
    let r = (x * p).rounded() / p
    return r == r.rounded() ? "\(Int(r))" : "\(r)"
}

/// The index kinds, re-exported for clients that do not import NearestNeighbours (VerificationTests).
public typealias IndexChoice = IndexKind
