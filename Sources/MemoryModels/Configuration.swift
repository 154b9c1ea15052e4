import NearestNeighbours
import SAMNumerics

/// How the memory M_0 starts (SPEC "Decisions the paper leaves open").
public enum MemoryInitialisation: Codable, Sendable, Equatable, CustomStringConvertible {
    /// M_0 = 0.
    case zeros
    /// Each entry uniform in [-scale, scale] from a seeded generator (gradient checks use it so no similarity ties occur).
    case uniform(scale: Double, seed: UInt64)
    /// Given values, N x W row-major (`samkit verify --memory file:PATH`); N·W finite numbers.
    case values([Double])
    public var description: String {
        switch self {
        case .zeros: "zeros"
        case let .uniform(scale, seed): "uniform(±\(scale), seed \(seed))"
        case let .values(v): "given (\(v.count) values)"
        }
    }
}

/// The training loss (SPEC "Decisions the paper leaves open").
public enum LossKind: String, Codable, Sendable, CaseIterable {
    /// Sigmoid cross-entropy with logits, summed over output units and masked steps.
    case sigmoidCrossEntropy = "sigmoid-cross-entropy"
    /// Mean over output units of the squared error, summed over masked steps.
    case meanSquaredError = "mean-squared-error"
}

/// A rejected configuration or input: names the field, the value and the valid range.
public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    case outOfRange(field: String, value: String, valid: String)
    public var description: String {
        switch self {
        case let .outOfRange(field, value, valid): "\(field) = \(value) is out of range (valid: \(valid))"
        }
    }
}

/// Every size and setting of a SAM or DAM model (SPEC "Notation"), validated on construction.
public struct ModelConfiguration: Codable, Sendable, Equatable {
    /// Words in memory N.
    public let memoryWords: Int
    /// Word size W.
    public let wordSize: Int
    /// Access heads R (each reads and writes).
    public let heads: Int
    /// Neighbours read per head K (SAM); DAM reads all N.
    public let neighbours: Int
    /// LSTM controller units H.
    public let hidden: Int
    /// Input size X.
    public let inputSize: Int
    /// Output size Y.
    public let outputSize: Int
    /// Access threshold δ for usage, in [0, 1).
    public let accessThreshold: Double
    /// Norm stabiliser ε > 0.
    public let epsilon: Double
    /// How M_0 is filled.
    public let memoryInitialisation: MemoryInitialisation
    /// Which nearest-neighbour index SAM reads through.
    public let index: IndexKind
    /// Settings of the approximate indexes.
    public let indexSettings: IndexSettings
    /// The loss.
    public let loss: LossKind
    /// Seed of the parameter initialisation.
    public let parameterSeed: UInt64
    /// Multiplier on the default initial weight range ±1/sqrt(fan-in).
    public let parameterScale: Double
    /// The Sparse DNC's temporal links (SPEC "Sparse DNC"); nil for SAM and DAM.
    public let temporalLinks: TemporalLinkSettings?

    public init(memoryWords: Int = 1024, wordSize: Int = 32, heads: Int = 4, neighbours: Int = 4,
                hidden: Int = 100, inputSize: Int = 8, outputSize: Int = 8,
                accessThreshold: Double = 0.005, epsilon: Double = 1e-6,
                memoryInitialisation: MemoryInitialisation = .zeros, index: IndexKind = .exact,
                indexSettings: IndexSettings = IndexSettings(), loss: LossKind = .sigmoidCrossEntropy,
                parameterSeed: UInt64 = 1, parameterScale: Double = 1,
                temporalLinks: TemporalLinkSettings? = nil) throws(ConfigurationError) {
        func positive(_ field: String, _ value: Int) throws(ConfigurationError) {
            if value < 1 { throw .outOfRange(field: field, value: "\(value)", valid: "1 or more") }
        }
        try positive("memoryWords (N)", memoryWords)
        try positive("wordSize (W)", wordSize)
        try positive("heads (R)", heads)
        try positive("neighbours (K)", neighbours)
        try positive("hidden (H)", hidden)
        try positive("inputSize (X)", inputSize)
        try positive("outputSize (Y)", outputSize)
        if neighbours > memoryWords {
            throw .outOfRange(field: "neighbours (K)", value: "\(neighbours)", valid: "1...N = 1...\(memoryWords)")
        }
        if heads > memoryWords {
            throw .outOfRange(field: "heads (R)", value: "\(heads)",
                              valid: "1...N = 1...\(memoryWords) (each head writes a distinct least recently used row)")
        }
        if !accessThreshold.isFinite || accessThreshold < 0 || accessThreshold >= 1 {
            throw .outOfRange(field: "accessThreshold (δ)", value: "\(accessThreshold)", valid: "[0, 1)")
        }
        if !epsilon.isFinite || epsilon <= 0 {
            throw .outOfRange(field: "epsilon (ε)", value: "\(epsilon)", valid: "finite and > 0")
        }
        if case let .uniform(scale, _) = memoryInitialisation, !scale.isFinite || scale < 0 {
            throw .outOfRange(field: "memoryInitialisation.scale", value: "\(scale)", valid: "finite and >= 0")
        }
        if case let .values(v) = memoryInitialisation, v.count != memoryWords * wordSize || !v.allSatisfy(\.isFinite) {
            throw .outOfRange(field: "memoryInitialisation.values", value: "\(v.count) values",
                              valid: "N x W = \(memoryWords) x \(wordSize) finite numbers")
        }
        if !parameterScale.isFinite || parameterScale <= 0 {
            throw .outOfRange(field: "parameterScale", value: "\(parameterScale)", valid: "finite and > 0")
        }
        if let field = Self.overflowingSize(n: memoryWords, w: wordSize, r: heads, k: neighbours, h: hidden, x: inputSize,
                                            y: outputSize, approximateIndex: index != .exact) {
            throw .outOfRange(field: field.name, value: "\(field.value)",
                              valid: "a size whose products with the others (parameter count, N·W, record per step) fit in a 64-bit integer")
        }
        do { try indexSettings.validate(k: neighbours) } catch {
            throw .outOfRange(field: "indexSettings", value: "\(error)", valid: "see the index setting's range")
        }
        self.memoryWords = memoryWords
        self.wordSize = wordSize
        self.heads = heads
        self.neighbours = neighbours
        self.hidden = hidden
        self.inputSize = inputSize
        self.outputSize = outputSize
        self.accessThreshold = accessThreshold
        self.epsilon = epsilon
        self.memoryInitialisation = memoryInitialisation
        self.index = index
        self.indexSettings = indexSettings
        self.loss = loss
        self.parameterSeed = parameterSeed
        self.parameterScale = parameterScale
        if let temporalLinks, temporalLinks.entries < 1 || temporalLinks.entries > memoryWords {
            throw .outOfRange(field: "temporalLinks.entries (K_L)", value: "\(temporalLinks.entries)",
                              valid: "1...N = 1...\(memoryWords)")
        }
        self.temporalLinks = temporalLinks
    }

    /// Decoding re-runs every check, so a case file cannot smuggle in a bad configuration.
    public init(from decoder: any Decoder) throws {
        enum Keys: String, CodingKey {
            case memoryWords, wordSize, heads, neighbours, hidden, inputSize, outputSize, accessThreshold,
                 epsilon, memoryInitialisation, index, indexSettings, loss, parameterSeed, parameterScale, temporalLinks
        }
        let c = try decoder.container(keyedBy: Keys.self)
        try self.init(
            memoryWords: c.decode(Int.self, forKey: .memoryWords), wordSize: c.decode(Int.self, forKey: .wordSize),
            heads: c.decode(Int.self, forKey: .heads), neighbours: c.decode(Int.self, forKey: .neighbours),
            hidden: c.decode(Int.self, forKey: .hidden), inputSize: c.decode(Int.self, forKey: .inputSize),
            outputSize: c.decode(Int.self, forKey: .outputSize),
            accessThreshold: c.decode(Double.self, forKey: .accessThreshold),
            epsilon: c.decode(Double.self, forKey: .epsilon),
            memoryInitialisation: c.decode(MemoryInitialisation.self, forKey: .memoryInitialisation),
            index: c.decode(IndexKind.self, forKey: .index),
            indexSettings: c.decode(IndexSettings.self, forKey: .indexSettings),
            loss: c.decode(LossKind.self, forKey: .loss), parameterSeed: c.decode(UInt64.self, forKey: .parameterSeed),
            parameterScale: c.decode(Double.self, forKey: .parameterScale),
            temporalLinks: c.decodeIfPresent(TemporalLinkSettings.self, forKey: .temporalLinks))
    }

    /// Interface size per head, 2W + 3 (SPEC step 3: q, β̂, a, α̂, γ̂).
    public var interfacePerHead: Int { 2 * wordSize + 3 }
    /// Whole interface size: R*(2W+3), plus the SDNC's 3 read-mode logits per head appended after all
    /// heads' slices (ξ = [head 1 .. head R ; π̂_1 .. π̂_R], π̂_j = (backward, content, forward)).
    public var interfaceSize: Int { heads * interfacePerHead + (temporalLinks == nil ? 0 : 3 * heads) }
    /// Controller input size X + R*W (SPEC step 1).
    public var controllerInputSize: Int { inputSize + heads * wordSize }
    /// Rows a sparse write touches at most, R*(K+1) (SPEC step 4).
    public var maxRowsWrittenPerStep: Int { heads * (neighbours + 1) }
    /// Rows one sparse step touches at most when each head reads `readSlots` rows: R(S+1) written
    /// (each head's least used row and its S previous reads) plus the R·S read, R(2S+1). SAM reads
    /// S = K rows per head (SPEC steps 4-5), the SDNC S = 3K (content, forward and backward).
    public func rowsTouchedPerStep(readSlots: Int) -> Int { heads * (2 * readSlots + 1) }

    /// A copy with some fields changed, re-validated.
    public func with(memoryWords: Int? = nil, neighbours: Int? = nil, index: IndexKind? = nil,
                     memoryInitialisation: MemoryInitialisation? = nil,
                     temporalLinks: TemporalLinkSettings?? = nil) throws(ConfigurationError) -> ModelConfiguration {
        try ModelConfiguration(
            memoryWords: memoryWords ?? self.memoryWords, wordSize: wordSize, heads: heads,
            neighbours: neighbours ?? self.neighbours, hidden: hidden, inputSize: inputSize,
            outputSize: outputSize, accessThreshold: accessThreshold, epsilon: epsilon,
            memoryInitialisation: memoryInitialisation ?? self.memoryInitialisation, index: index ?? self.index,
            indexSettings: indexSettings, loss: loss, parameterSeed: parameterSeed, parameterScale: parameterScale,
            temporalLinks: temporalLinks ?? self.temporalLinks)
    }

    /// The size whose products with the others overflow `Int` (the one that, set to 1, removes the
    /// overflow; the largest when no single one does), or `nil` when every product fits.
    static func overflowingSize(n: Int, w: Int, r: Int, k: Int, h: Int, x: Int, y: Int,
                                approximateIndex: Bool) -> (name: String, value: Int)? {
        func fits(_ s: [Int]) -> Bool {
            [false, true].allSatisfy { dense in
                ModelFootprint(n: s[0], w: s[1], r: s[2], k: s[3], h: s[4], x: s[5], y: s[6], dense: dense,
                               approximateIndex: approximateIndex) != nil
            }
        }
        let sizes = [n, w, r, k, h, x, y]
        if fits(sizes) { return nil }
        let names = ["memoryWords (N)", "wordSize (W)", "heads (R)", "neighbours (K)", "hidden (H)", "inputSize (X)", "outputSize (Y)"]
        let culprit = sizes.indices.first { i in
            var reduced = sizes
            reduced[i] = 1
            if i == 0 { reduced[3] = 1 }   // K <= N
            return fits(reduced)
        } ?? sizes.indices.max { sizes[$0] < sizes[$1] }!
        return (names[culprit], sizes[culprit])
    }
}
