import Foundation
import MemoryModels
import NearestNeighbours
import SAMNumerics

/// The models a sweep can profile, by their command-line names.
public enum ProfiledModel: String, Codable, CodingKeyRepresentable, Sendable, CaseIterable, Comparable {
    /// Dense Access Memory: reads and writes all N rows.
    case dam
    /// SAM reading through the exact (linear-scan) index.
    case samExact = "sam-exact"
    /// SAM reading through the FLANN randomized k-d forest (4 trees, 32 checks).
    case samKDTree = "sam-kdtree"
    /// SAM reading through locality-sensitive hashing.
    case samLSH = "sam-lsh"
    /// The bare controller: SAM's LSTM, interface and output layers with no memory (the step-time floor).
    case controller

    /// The Sparse DNC (K_L = 8) reading through the k-d forest.
    case sdncKDTree = "sdnc-kdtree"
    /// The Sparse DNC reading through the exact index.
    case sdncExact = "sdnc-exact"
    /// The dense-link baseline: the SDNC with the DNC's full N x N links and dense precedence (exact index).
    case dncDense = "dnc-dense"

    /// Whether the model reads sparsely: SAM or the SDNC with some index (not DAM, not the bare
    /// controller, not the dense-link baseline).
    public var isSparse: Bool { self != .dam && self != .controller && self != .dncDense }
    /// The SDNC's temporal links for its three models, nil for SAM and DAM.
    public var temporalLinks: TemporalLinkSettings? {
        switch self {
        case .dam, .samExact, .samKDTree, .samLSH, .controller: nil
        case .sdncKDTree, .sdncExact: TemporalLinkSettings(entries: 8)
        case .dncDense: TemporalLinkSettings(entries: 8, dense: true)
        }
    }

    /// The index SAM reads through (the exact index for DAM, which does not use one).
    public var index: IndexKind {
        switch self {
        case .dam, .samExact, .controller, .sdncExact, .dncDense: .exact
        case .samKDTree, .sdncKDTree: .kdtree
        case .samLSH: .lsh
        }
    }

    /// A human label for tables and plots.
    public var label: String {
        switch self {
        case .dam: "DAM"
        case .samExact: "SAM (exact)"
        case .samKDTree: "SAM (k-d forest)"
        case .samLSH: "SAM (LSH)"
        case .controller: "controller (no memory)"
        case .sdncKDTree: "SDNC (k-d forest)"
        case .sdncExact: "SDNC (exact)"
        case .dncDense: "DNC links (dense)"
        }
    }

    /// Declaration order (DAM first), the order of reports.
    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// Parses a comma-separated list such as `dam,sam-exact`.
    /// - Throws: `ProfilingError.unknownModel` naming the bad entry and the valid names.
    public static func parseList(_ text: String) throws(ProfilingError) -> [ProfiledModel] {
        let names = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var models: [ProfiledModel] = []
        for name in names {
            guard let model = ProfiledModel(rawValue: name) else {
                throw .unknownModel(name: name, valid: allCases.map(\.rawValue))
            }
            if models.contains(model) { throw .badModelList(value: text, reason: "'\(name)' is listed twice") }
            models.append(model)
        }
        return models
    }
}

/// The fixed shape of every profiled model: the paper's W = 32, R = 4, K = 4, H = 100, with a
/// seeded uniform M_0 so that reads are not all ties.
public struct ModelShape: Codable, Sendable, Equatable {
    /// W.
    public var wordSize = 32
    /// R.
    public var heads = 4
    /// K.
    public var neighbours = 4
    /// H, LSTM units.
    public var hidden = 100
    /// X.
    public var inputSize = 8
    /// Y.
    public var outputSize = 8
    /// M_0 entries uniform in [-scale, scale].
    public var memoryScale = 0.5
    /// Seed of M_0's fill.
    public var memorySeed: UInt64 = 7
    /// Seed of the parameters.
    public var parameterSeed: UInt64 = 1
    /// Seed of the random episode.
    public var episodeSeed: UInt64 = 11
    /// Trees, checks, hash bits and tables of the approximate indexes.
    public var indexSettings = IndexSettings()

    /// The paper's shape (W 32, R 4, K 4, H 100, X = Y = 8).
    public init() {}

    /// The configuration of `model` at N = `memoryWords` with this shape.
    public func configuration(for model: ProfiledModel, memoryWords: Int) throws(ConfigurationError) -> ModelConfiguration {
        try ModelConfiguration(memoryWords: memoryWords, wordSize: wordSize, heads: heads, neighbours: neighbours,
                               hidden: hidden, inputSize: inputSize, outputSize: outputSize,
                               memoryInitialisation: .uniform(scale: memoryScale, seed: memorySeed),
                               index: model.index, indexSettings: indexSettings, parameterSeed: parameterSeed,
                               temporalLinks: model.temporalLinks)
    }
}

/// Type-erased construction so the driver can hold any model.
func makeModel(_ model: ProfiledModel, _ c: ModelConfiguration) throws(ConfigurationError) -> any MemoryModel<Float> {
    switch model {
    case .dam: DAM<Float>(configuration: c)
    case .samExact, .samKDTree, .samLSH: try SAM<Float>(configuration: c)
    case .controller: BareController<Float>(configuration: c)
    case .sdncKDTree, .sdncExact, .dncDense: try SDNC<Float>(configuration: c)
    }
}
