import Foundation
import MemoryModels
import NearestNeighbours
import SAMNumerics

@_exported import ModelFamilies

extension ProfiledModel {
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
    /// The index of every model that reads through one, instead of the variant's own; nil keeps the
    /// variant's (a worker's hidden `--worker-index`, for scripts/step-profile.sh's comparisons).
    public var index: IndexKind?

    /// The paper's shape (W 32, R 4, K 4, H 100, X = Y = 8).
    public init() {}

    /// The configuration of `model` at N = `memoryWords` with this shape.
    public func configuration(for model: ProfiledModel, memoryWords: Int) throws(ConfigurationError) -> ModelConfiguration {
        try ModelConfiguration(memoryWords: memoryWords, wordSize: wordSize, heads: heads, neighbours: neighbours,
                               hidden: hidden, inputSize: inputSize, outputSize: outputSize,
                               memoryInitialisation: .uniform(scale: memoryScale, seed: memorySeed),
                               index: model.isSparse ? index ?? model.index : model.index, indexSettings: indexSettings, parameterSeed: parameterSeed,
                               temporalLinks: model.temporalLinks)
    }
}
