import MemoryModels

/// Which model a check runs on.
public enum ModelKind: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Sparse Access Memory: K neighbours through the configured index.
    case sam
    /// Dense Access Memory: a softmax over all N rows.
    case dam
    /// SAM or DAM.
    public var description: String { rawValue.uppercased() }

    /// A fresh Double model of this kind (parameters from the configuration's seed).
    public func make(_ configuration: ModelConfiguration) throws -> any MemoryModel<Double> {
        switch self {
        case .sam: try SAM<Double>(configuration: configuration)
        case .dam: DAM<Double>(configuration: configuration)
        }
    }
}
