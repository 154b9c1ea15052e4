import MemoryModels

/// A family the gradient harness checks (`verify --model`, case files), by its name: a
/// `ModelRegistry` entry with `isVerified`. Encoded as its name ("sam", "dam", "sdnc").
public struct ModelKind: RawRepresentable, Codable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// The family's name.
    public let rawValue: String
    /// The verified family of this name, nil for any other name.
    public init?(rawValue: String) {
        guard ModelRegistry.family(named: rawValue)?.isVerified == true else { return nil }
        self.rawValue = rawValue
    }
    init(registered name: String) { rawValue = name }

    /// The verified families in registry order, except that a family whose dense twin is another
    /// family comes just before that twin (SAM, DAM, SDNC): the pair checks run on the sparse case.
    public static var allCases: [ModelKind] {
        let verified = ModelRegistry.families.filter(\.isVerified)
        let twins = Set(verified.compactMap { f in f.denseTwin.flatMap { $0 == f.name ? nil : $0 } })
        return verified.flatMap { f -> [String] in
            twins.contains(f.name) ? [] : [f.name] + (f.denseTwin.map { $0 == f.name ? [] : [$0] } ?? [])
        }.map { ModelKind(registered: $0) }
    }
    /// The registry entry.
    public var family: any ModelFamily { ModelRegistry.family(named: rawValue)! }
    /// Its label ("SAM").
    public var description: String { family.label }

    /// The configuration this kind runs (the family's completion of `c`).
    public func configuration(_ c: ModelConfiguration) throws(ConfigurationError) -> ModelConfiguration {
        try family.configuration(c)
    }
    /// A fresh Double model of this kind (parameters from the configuration's seed).
    public func make(_ configuration: ModelConfiguration) throws -> any MemoryModel<Double> { try family.make(configuration) }
    /// A fresh Float model of this kind.
    public func makeFloat(_ configuration: ModelConfiguration) throws -> any MemoryModel<Float> { try family.make(configuration) }
    /// Whether the model reads K selected rows per head (its decisions list them).
    public var readsSelectedRows: Bool { family.readsSelectedRows }
}
