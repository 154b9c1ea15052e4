import ComplexityFit
import MemoryModels
import NearestNeighbours
import SAMNumerics

/// What a model family (DAM, SAM, the SDNC, the bare controller) promises every tool: its name and
/// help text, how its configuration is completed, how a model of it is built, its dense twin, its
/// profiled variants and their complexity claims. One conformance and one entry in
/// `ModelRegistry.families` join a family to `verify`, `profile`, `report`, `gate`, `train`, case
/// files and `info --record-bytes`; no subcommand switches over families.
public protocol ModelFamily: Sendable {
    /// The command-line and JSON name (`verify --model`, `train --model`, case files, checkpoints): "sam".
    var name: String { get }
    /// The name in tables and messages: "SAM".
    var label: String { get }
    /// One line for `--help`: what the family is.
    var summary: String { get }
    /// Whether the gradient harness checks it (`verify`, case files, the gate's gradient checks).
    var isVerified: Bool { get }
    /// Whether the default runs include it: `verify --model all`, `profile`'s and `report`'s default
    /// models, `learn`'s training runs (the SDNC, slower and newer, is asked for by name).
    var inDefaultRuns: Bool { get }
    /// Whether `train` trains it.
    var isTrainable: Bool { get }
    /// The family whose dense-equivalence check covers this one (SAM: "dam"; the SDNC: itself with
    /// K_L = N dense links), nil when none. `verify` runs the pair checks once, on this family's case.
    var denseTwin: String? { get }
    /// Whether it reads K selected rows per head through an index (`--index` applies; its decisions list them).
    var readsSelectedRows: Bool { get }
    /// Whether its memory-footprint estimate is DAM's dense one (N x N-sized read weights) rather than the sparse one.
    var hasDenseFootprint: Bool { get }
    /// The variants `profile`, `report` and `gate` measure, in report order.
    var variants: [ProfiledVariant] { get }
    /// The configuration this family runs from a generic one (e.g. the SDNC adds link settings).
    func configuration(_ c: ModelConfiguration) throws(ConfigurationError) -> ModelConfiguration
    /// A fresh model of this family from a completed configuration (parameters from its seed).
    func build<Scalar: ModelScalar>(_ c: ModelConfiguration, as: Scalar.Type) throws -> any MemoryModel<Scalar>
}

extension ModelFamily {
    public var inDefaultRuns: Bool { true }
    public var isTrainable: Bool { isVerified }
    public var denseTwin: String? { nil }
    public var hasDenseFootprint: Bool { false }
    public func configuration(_ c: ModelConfiguration) throws(ConfigurationError) -> ModelConfiguration { c }

    /// A fresh model: `configuration(c)` completed, then built.
    public func make<Scalar: ModelScalar>(_ c: ModelConfiguration, as type: Scalar.Type = Scalar.self) throws -> any MemoryModel<Scalar> {
        try build(try configuration(c), as: type)
    }

    /// Backward-record bytes per step (tape + journal, as the model counts them) after a training
    /// forward of `steps` random steps at configuration `c` (Float): `info --record-bytes`.
    public func recordBytesPerStep(_ c: ModelConfiguration, steps: Int) throws -> Int {
        let model = try make(c, as: Float.self)
        let episode = try Episode<Float>.random(configuration: model.configuration, steps: steps, seed: 1)
        _ = try model.forward(episode, mode: .training)
        return model.backwardRecordBytes / steps
    }
}

/// One profiled model: a family with an index and link settings, by its command-line name
/// (e.g. "sam-kdtree", "dnc-dense"), with its plot style, sweep sizes and complexity claims.
public struct ProfiledVariant: Sendable {
    /// The command-line and JSON name.
    public let name: String
    /// The label of tables and plots.
    public let label: String
    /// The index it reads through (the exact index for models that do not use one).
    public let index: IndexKind
    /// The SDNC's temporal links, nil for the others.
    public let temporalLinks: TemporalLinkSettings?
    /// Whether it reads sparsely (compared against DAM in the report's ratios).
    public let isSparse: Bool
    /// Gnuplot colour.
    public let colour: String
    /// Gnuplot point type, point size and dash type.
    public let style: PlotStyle
    /// log2 N of `report`'s standard sweep.
    public let standardSizes: ClosedRange<Int>
    /// log2 N of `report --quick` (nil: not in the quick sweep).
    public let quickSizes: ClosedRange<Int>?
    /// Its claims in Proofs/complexity-claims.md.
    public let claims: [ComplexityClaim]

    public init(name: String, label: String, index: IndexKind = .exact, temporalLinks: TemporalLinkSettings? = nil,
                isSparse: Bool, colour: String, style: PlotStyle, standardSizes: ClosedRange<Int>,
                quickSizes: ClosedRange<Int>?, claims: [ComplexityClaim]) {
        self.name = name; self.label = label; self.index = index; self.temporalLinks = temporalLinks
        self.isSparse = isSparse; self.colour = colour; self.style = style
        self.standardSizes = standardSizes; self.quickSizes = quickSizes; self.claims = claims
    }
}

/// How a variant's series is drawn: gnuplot point type, point size, dash type.
public struct PlotStyle: Sendable, Equatable {
    public let point: Int, size: Double, dash: Int
    public init(_ point: Int, _ size: Double, _ dash: Int) { self.point = point; self.size = size; self.dash = dash }
}

/// One complexity claim: a metric (Profiling's `Metric` raw value), the proof that gives it, and its one class.
public struct ComplexityClaim: Sendable, Equatable {
    /// `Metric` raw value, e.g. "step-time".
    public let metric: String
    /// The proof in Proofs/complexity-claims.md, e.g. "K1".
    public let proof: String
    /// The class the proof gives.
    public let claimed: ComplexityClass
    public init(_ metric: String, _ proof: String, _ claimed: ComplexityClass) {
        self.metric = metric; self.proof = proof; self.claimed = claimed
    }
}
