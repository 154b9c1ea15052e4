/// Tuning of the fit. The defaults are the ones the validation tests check.
public struct FitOptions: Codable, Sendable, Equatable {
    /// How classes are ranked. Default BIC.
    public var criterion: InformationCriterion = .bic
    /// Family-wise one-sided level at which a growth coefficient must be significantly positive for
    /// its class to be admissible. Each growth class is tested at this level divided by the number of
    /// growth classes among the candidates (Bonferroni), so a constant series passes *any* of the
    /// tests with probability at most this level. Default 0.01. Valid range (0, 0.5).
    public var significanceLevel: Double = 0.01
    /// Level of the slope confidence interval and of prediction intervals. Default 0.95. Valid range (0, 1).
    public var confidenceLevel: Double = 0.95
    /// Smallest per-replicate sigma, as a fraction of the median (keeps exact metrics finite).
    /// Default 0.001. Valid range (0, 1).
    public var relativeSpreadFloor: Double = 1e-3
    /// Prior degrees of freedom ν₀ pulling each size's spread towards the pooled relative spread.
    /// Default 4. Valid range [0, 1000].
    public var priorDegreesOfFreedom: Double = 4
    /// Classes to consider. Default all five. At least two, no repeats.
    public var candidates: [ComplexityClass] = ComplexityClass.allCases
    /// Where the verdict rule may place upward cache steps, offered equally to the claimed and the
    /// chosen class (`CacheSteps`, Proofs/complexity-fit.md §7a). Default: up to two steps (one per
    /// cache level a sweep crosses, L2 and L3) between any two sizes, each costing two parameters
    /// (height and position). `anywhere(maxSteps:)` valid range 0...3; `atSizes` entries ≥ 1.
    public var cacheSteps: CacheStepPlacement = .anywhere(maxSteps: 2)

    /// The defaults documented on each field.
    public init() {}

    func validate() throws {
        func check(_ name: String, _ value: Double, _ ok: Bool, _ range: String) throws {
            if !ok { throw ComplexityFitError.invalidOption(name: name, value: value, validRange: range) }
        }
        try check("significanceLevel", significanceLevel, significanceLevel > 0 && significanceLevel < 0.5, "(0, 0.5)")
        try check("confidenceLevel", confidenceLevel, confidenceLevel > 0 && confidenceLevel < 1, "(0, 1)")
        try check("relativeSpreadFloor", relativeSpreadFloor, relativeSpreadFloor > 0 && relativeSpreadFloor < 1, "(0, 1)")
        try check("priorDegreesOfFreedom", priorDegreesOfFreedom,
                  priorDegreesOfFreedom >= 0 && priorDegreesOfFreedom <= 1000, "[0, 1000]")
        switch cacheSteps {
        case .off: break
        case .anywhere(let m): try check("cacheSteps.maxSteps", Double(m), (0...3).contains(m), "0...3")
        case .atSizes(let sizes):
            for n in sizes { try check("cacheSteps.atSizes", Double(n), n >= 1, ">= 1") }
        }
        try check("candidates.count", Double(candidates.count),
                  candidates.count >= 2 && Set(candidates).count == candidates.count, "at least 2 distinct classes")
    }
}

/// Everything known about one series: summaries, every class's fits, the choice, the log-log
/// slope and predictions. Codable so that it can be written to JSON as it is.
public struct ComplexityAnalysis: Codable, Sendable, Equatable {
    /// The options the analysis ran with.
    public let options: FitOptions
    /// Per-size medians, spreads and weights, ascending in N.
    public let summaries: [SizeSummary]
    /// Pooled relative spread of a single replicate (median over sizes of MAD/median).
    public let pooledRelativeSpread: Double
    /// Median replicate count; the count assumed for a predicted median at an unmeasured size.
    public let typicalReplicateCount: Int
    /// median at N_max ÷ median at N_min: above `ClassSelection.largeGrowthFactor` the series is never O(1).
    public let growthFactor: Double
    /// One entry per candidate, in the order of `options.candidates`.
    public let fits: [ClassFit]
    /// The ranking of the candidate classes and the chosen one.
    public let selection: ClassSelection
    /// The class-free log-log slope with its confidence interval.
    public let slope: LogLogSlope
    /// Predictions from the chosen class at the measured sizes and at every requested size.
    public let predictions: [Prediction]

    /// The chosen class's fits.
    public var chosenFit: ClassFit { fits.first { $0.complexityClass == selection.chosen }! }

    /// The fit of class `cls`, if it was a candidate.
    public func fit(for cls: ComplexityClass) -> ClassFit? { fits.first { $0.complexityClass == cls } }
}

/// Fits a `ScalingSeries` to the candidate classes and chooses one.
///
///     let series = try ScalingSeries(sizes: [256, 1024, 4096, 16384], replicates: times)
///     let analysis = try ComplexityFitter().analyse(series, extrapolatingTo: [1 << 20])
///     print(analysis.selection.chosen, analysis.slope.lower, analysis.slope.upper)
public struct ComplexityFitter: Sendable {
    /// The criterion, levels and candidate classes of every analysis.
    public var options: FitOptions

    /// A fitter with `options`.
    public init(options: FitOptions = FitOptions()) { self.options = options }

    /// - Parameter extrapolatingTo: extra sizes to predict (beyond or between the measured ones).
    /// - Throws: `ComplexityFitError` for bad options or prediction sizes, or if GSL fails.
    public func analyse(_ series: ScalingSeries, extrapolatingTo extra: [Int] = []) throws -> ComplexityAnalysis {
        try options.validate()
        let spread = ReplicateSpread(series: series, priorDegreesOfFreedom: options.priorDegreesOfFreedom,
                                     relativeFloor: options.relativeSpreadFloor)
        let growthClasses = max(1, options.candidates.filter { $0 != .constant }.count)
        let growthFactor = spread.summaries.last!.median / spread.summaries.first!.median
        let fitter = ClassFitter(series: series, spread: spread,
                                 significanceLevel: options.significanceLevel / Double(growthClasses),
                                 growthFactor: growthFactor)
        let fits = try options.candidates.map(fitter.fit)
        let partial = ComplexityAnalysis(options: options, summaries: spread.summaries,
                                         pooledRelativeSpread: spread.pooledRelativeSpread,
                                         typicalReplicateCount: spread.typicalCount, growthFactor: growthFactor, fits: fits,
                                         selection: ClassSelection(fits: fits, criterion: options.criterion),
                                         slope: try LogLogSlope(spread: spread, confidenceLevel: options.confidenceLevel),
                                         predictions: [])
        let sizes = Array(Set(series.sizes + extra)).sorted()
        return ComplexityAnalysis(options: options, summaries: partial.summaries,
                                  pooledRelativeSpread: partial.pooledRelativeSpread,
                                  typicalReplicateCount: partial.typicalReplicateCount, growthFactor: growthFactor, fits: fits,
                                  selection: partial.selection, slope: partial.slope,
                                  predictions: try partial.predict(at: sizes))
    }

    /// Convenience for callers holding parallel arrays.
    public func analyse(sizes: [Int], replicates: [[Double]], extrapolatingTo extra: [Int] = []) throws -> ComplexityAnalysis {
        try analyse(ScalingSeries(sizes: sizes, replicates: replicates), extrapolatingTo: extra)
    }
}
