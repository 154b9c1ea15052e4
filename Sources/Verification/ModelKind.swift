import MemoryModels

/// Which model a check runs on.
public enum ModelKind: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Sparse Access Memory: K neighbours through the configured index.
    case sam
    /// Dense Access Memory: a softmax over all N rows.
    case dam
    /// The Sparse DNC: SAM's write and usage, reads mixing content with sparse temporal links.
    case sdnc
    /// SAM, DAM or SDNC.
    public var description: String { rawValue.uppercased() }

    /// The configuration this kind runs: the SDNC needs link settings (K_L = min(8, N), recorded
    /// gradients when the configuration has none); SAM and DAM have none.
    public func configuration(_ c: ModelConfiguration) throws(ConfigurationError) -> ModelConfiguration {
        switch self {
        case .sam, .dam: c.temporalLinks == nil ? c : try c.with(temporalLinks: .some(nil))
        case .sdnc: c.temporalLinks == nil ? try c.with(temporalLinks: TemporalLinkSettings(entries: min(8, c.memoryWords))) : c
        }
    }

    /// A fresh Double model of this kind (parameters from the configuration's seed).
    public func make(_ configuration: ModelConfiguration) throws -> any MemoryModel<Double> {
        let c = try self.configuration(configuration)
        return switch self {
        case .sam: try SAM<Double>(configuration: c)
        case .dam: DAM<Double>(configuration: c)
        case .sdnc: try SDNC<Double>(configuration: c)
        }
    }

    /// A fresh Float model of this kind.
    public func makeFloat(_ configuration: ModelConfiguration) throws -> any MemoryModel<Float> {
        let c = try self.configuration(configuration)
        return switch self {
        case .sam: try SAM<Float>(configuration: c)
        case .dam: DAM<Float>(configuration: c)
        case .sdnc: try SDNC<Float>(configuration: c)
        }
    }

    /// Whether the model reads K selected rows per head (its decisions list them).
    public var readsSelectedRows: Bool { self != .dam }
}
