import Foundation
import SAMNumerics

/// What a sweep measures: which models, at which N, how many steps per segment, how many segments.
///
/// Validated on construction; every rejection names the value and the valid range.
public struct SweepPlan: Codable, Sendable, Equatable {
    /// Valid memory sizes: at least R = K = 4 rows, at most 2^24 (2 GiB of Float memory at W = 32).
    public static let sizeRange = 4...(1 << 24)
    /// Valid T.
    public static let stepsRange = 1...1000
    /// Valid timed segments per process.
    public static let repeatsRange = 1...1000
    /// Valid warm-up segments.
    public static let warmupRange = 0...100
    /// Valid processes per (model, N).
    public static let processesRange = 1...100
    /// A complexity fit needs at least this many distinct sizes.
    public static let minimumSizes = 4

    /// Models and the sizes each one is measured at (ascending).
    public let sizes: [ProfiledModel: [Int]]
    /// T: steps per timed segment.
    public let steps: Int
    /// Timed segments per (model, N) in each process.
    public let repeats: Int
    /// Separate processes per (model, N) (nil in format 1: one). With more than one, the fit's
    /// replicates are the per-process medians of the timed segments.
    public let processes: Int?

    /// Processes per (model, N) (1 when unset).
    public var processCount: Int { processes ?? 1 }
    /// Untimed segments run first.
    public let warmup: Int
    /// The models' shape.
    public let shape: ModelShape
    /// Fewer segments for the large sizes of some models (nil: `repeats` and `warmup` everywhere).
    public let largeSizes: LargeSizeSegments?

    /// Segments per process for the sizes of `models` from `fromSize` on: DAM's step at N = 2^20
    /// costs ~10^4 SAM steps and its tape T·N·(W + 2R) scalars, so it gets fewer segments there.
    public struct LargeSizeSegments: Codable, Sendable, Equatable {
        /// The models that get fewer segments.
        public let models: [ProfiledModel]
        /// The smallest N (memory words) at which they do.
        public let fromSize: Int
        /// Timed segments per process there (at most the plan's `repeats`).
        public let repeats: Int
        /// Warm-up segments there (at most the plan's `warmup`).
        public let warmup: Int
    }

    /// Timed and warm-up segments per process for one (model, N).
    public func segments(_ model: ProfiledModel, size: Int) -> (repeats: Int, warmup: Int) {
        if let large = largeSizes, large.models.contains(model), size >= large.fromSize {
            return (min(repeats, large.repeats), min(warmup, large.warmup))
        }
        return (repeats, warmup)
    }

    /// The models measured, in order.
    public var models: [ProfiledModel] { sizes.keys.sorted() }

    /// - Parameter requireFitSizes: whether each model needs at least `minimumSizes` sizes (off only
    ///   for a worker, which measures one size).
    public init(sizes: [ProfiledModel: [Int]], steps: Int, repeats: Int, warmup: Int, processes: Int = 1,
                shape: ModelShape = ModelShape(), requireFitSizes: Bool = true,
                largeSizes: LargeSizeSegments? = nil) throws(ProfilingError) {
        guard !sizes.isEmpty else { throw .badModelList(value: "", reason: "at least one model is needed") }
        for (_, list) in sizes { try Self.validate(sizes: list, requireFitSizes: requireFitSizes) }
        try Self.check("steps", steps, Self.stepsRange)
        try Self.check("repeats", repeats, Self.repeatsRange)
        try Self.check("warmup", warmup, Self.warmupRange)
        try Self.check("processes", processes, Self.processesRange)
        self.processes = processes
        self.sizes = sizes.mapValues { $0.sorted() }
        self.steps = steps
        self.repeats = repeats
        self.warmup = warmup
        self.shape = shape
        if let largeSizes {
            try Self.check("large-size repeats", largeSizes.repeats, Self.repeatsRange)
            try Self.check("large-size warmup", largeSizes.warmup, Self.warmupRange)
        }
        self.largeSizes = largeSizes
    }

    /// The same sizes for every model.
    public init(models: [ProfiledModel], sizes: [Int], steps: Int, repeats: Int, warmup: Int = 2, processes: Int = 1,
                shape: ModelShape = ModelShape(), requireFitSizes: Bool = true) throws(ProfilingError) {
        guard !models.isEmpty else { throw .badModelList(value: "", reason: "at least one model is needed") }
        try self.init(sizes: Dictionary(uniqueKeysWithValues: models.map { ($0, sizes) }),
                      steps: steps, repeats: repeats, warmup: warmup, processes: processes, shape: shape,
                      requireFitSizes: requireFitSizes)
    }

    static func check(_ name: String, _ value: Int, _ range: ClosedRange<Int>) throws(ProfilingError) {
        if !range.contains(value) {
            throw .optionOutOfRange(name: name, value: "\(value)", valid: "\(range.lowerBound)...\(range.upperBound)")
        }
    }

    static func validate(sizes: [Int], requireFitSizes: Bool = true) throws(ProfilingError) {
        var seen = Set<Int>()
        for n in sizes {
            guard sizeRange.contains(n) else { throw .sizeOutOfRange(size: n, valid: sizeRange) }
            guard seen.insert(n).inserted else { throw .duplicateSize(size: n) }
        }
        guard !requireFitSizes || sizes.count >= minimumSizes else {
            throw .tooFewSizes(found: sizes.count, required: minimumSizes)
        }
    }

    /// Parses `--sizes`: comma-separated integers, each either decimal or `2^k`.
    /// - Throws: `ProfilingError` naming the first bad entry.
    public static func parseSizes(_ text: String, requireFitSizes: Bool = true) throws(ProfilingError) -> [Int] {
        var sizes: [Int] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let entry = raw.trimmingCharacters(in: .whitespaces)
            let value = SizeSyntax.parse(entry)
            guard let value else { throw .nonNumericSize(entry: entry) }
            guard sizeRange.contains(value) else { throw .sizeOutOfRange(size: value, valid: sizeRange) }
            sizes.append(value)
        }
        try validate(sizes: sizes, requireFitSizes: requireFitSizes)
        return sizes
    }

    /// The default sweep of `samkit report`: DAM at N = 2^8...2^20 (from 2^17 on with 1 warm-up and
    /// 1 timed segment per process), SAM with each index and the bare controller at N = 2^10...2^20,
    /// the SDNC with the k-d forest at 2^10...2^20 and the exact index at 2^10...2^16, and the
    /// dense-link baseline at 2^8...2^12, factors of 2; T = 8; 3 separate processes per (model, N), each with 2 warm-up and 3 timed segments.
    public static func standard() -> SweepPlan {
        // Each variant's sizes are the registry's (`ProfiledVariant.standardSizes`).
        try! SweepPlan(sizes: sizes { $0.standardSizes },
                       steps: 8, repeats: 3, warmup: 2, processes: 3,
                       largeSizes: LargeSizeSegments(models: [.dam], fromSize: 1 << 17, repeats: 1, warmup: 1))
    }

    /// `--quick`: DAM at 2^8...2^13, SAM and the bare controller at 2^10...2^16, factors of 2; T = 4; 3 processes per
    /// (model, N), each with 1 warm-up and 3 timed segments.
    public static func quick() -> SweepPlan {
        try! SweepPlan(sizes: sizes { $0.quickSizes }, steps: 4, repeats: 3, warmup: 1, processes: 3)
    }

    /// Powers of two 2^a...2^b of every registered variant whose `range` is not nil.
    private static func sizes(_ range: (ProfiledVariant) -> ClosedRange<Int>?) -> [ProfiledModel: [Int]] {
        Dictionary(uniqueKeysWithValues: ProfiledModel.allCases.compactMap { m in range(m.variant).map { (m, $0.map { 1 << $0 }) } })
    }

    /// One unit of work: a model at one size.
    public struct Job: Codable, Sendable, Equatable {
        /// The model.
        public let model: ProfiledModel
        /// N.
        public let size: Int
    }

    /// Every job, model by model in ascending N.
    public var jobs: [Job] { models.flatMap { m in sizes[m]!.map { Job(model: m, size: $0) } } }
}
