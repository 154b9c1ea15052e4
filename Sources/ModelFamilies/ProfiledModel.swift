import MemoryModels
import NearestNeighbours

/// A model a sweep can profile, by its command-line name ("sam-kdtree", "dnc-dense"): one
/// `ProfiledVariant` of a `ModelRegistry` family. Encoded as its name; ordered as the registry lists them.
public struct ProfiledModel: RawRepresentable, Codable, CodingKeyRepresentable, Hashable, Sendable, CaseIterable,
                             Comparable, CustomStringConvertible {
    /// The variant's name.
    public let rawValue: String
    /// The registered variant of this name, nil for any other name.
    public init?(rawValue: String) {
        guard ModelRegistry.variant(named: rawValue) != nil else { return nil }
        self.rawValue = rawValue
    }
    init(registered name: String) { rawValue = name }

    /// Every variant of every family, in registry order (DAM first), the order of reports.
    public static var allCases: [ProfiledModel] { ModelRegistry.variants.map { ProfiledModel(registered: $0.variant.name) } }

    /// The variants of the families in the default runs (`profile`'s default models), in registry order.
    public static var defaultRuns: [ProfiledModel] { allCases.filter { $0.family.inDefaultRuns } }
    /// "dam, sam-exact, ..." (every variant), for help texts.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The registry entry.
    public var variant: ProfiledVariant { ModelRegistry.variant(named: rawValue)!.variant }
    /// The family it belongs to.
    public var family: any ModelFamily { ModelRegistry.variant(named: rawValue)!.family }
    /// Whether the model reads sparsely: SAM or the SDNC with some index (not DAM, not the bare
    /// controller, not the dense-link baseline).
    public var isSparse: Bool { variant.isSparse }
    /// The SDNC's temporal links, nil for the others.
    public var temporalLinks: TemporalLinkSettings? { variant.temporalLinks }
    /// The index it reads through (the exact index for models that do not use one).
    public var index: IndexKind { variant.index }
    /// A human label for tables and plots.
    public var label: String { variant.label }
    /// The name.
    public var description: String { rawValue }

    /// A fresh Float model of this variant at configuration `c` (from `ModelShape`, links and index included).
    public func makeFloat(_ c: ModelConfiguration) throws -> any MemoryModel<Float> { try family.build(c, as: Float.self) }

    /// Registry order.
    public static func < (a: Self, b: Self) -> Bool {
        ModelRegistry.position(of: a.rawValue) < ModelRegistry.position(of: b.rawValue)
    }
}
