import ComplexityFit
import Foundation

/// The fit of one model × metric: the GSL analysis, or why there is none.
public struct SeriesFit: Codable, Sendable, Equatable {
    public let model: ProfiledModel
    public let metric: Metric
    /// Sizes measured for this series (ascending).
    public let sizes: [Int]
    public let analysis: ComplexityAnalysis?
    /// Why there is no analysis (too few sizes, a failed fit).
    public let error: String?
    /// The chosen class's predictions on a geometric grid from the smallest measured N to the
    /// largest extrapolated N (for the plots); each is flagged measured, interpolated or extrapolated.
    public let curve: [Prediction]
}

/// A claim of Proofs/complexity-claims.md checked against a fit.
public struct ClaimCheck: Codable, Sendable, Equatable {
    public let model: ProfiledModel
    public let metric: Metric
    /// The claim in words, e.g. "O(log N) or better, log-log slope upper bound < 0.2".
    public let claim: String
    /// Classes that confirm the claim.
    public let accepted: [ComplexityClass]
    public let slopeCondition: SlopeCondition?
    /// The fitted class, nil when there is no fit.
    public let chosen: ComplexityClass?
    /// Whether the fit confirms the claim (nil when there is no fit).
    public let confirmed: Bool?
}

/// An extra requirement on the 95% log-log slope interval.
public enum SlopeCondition: Codable, Sendable, Equatable, CustomStringConvertible {
    case upperBelow(Double)
    case containsZero
    public var description: String {
        switch self {
        case let .upperBelow(v): "slope CI upper bound < \(v)"
        case .containsZero: "slope CI contains 0"
        }
    }
    func holds(_ s: LogLogSlope) -> Bool {
        switch self {
        case let .upperBelow(v): s.upper < v
        case .containsZero: s.contains(0)
        }
    }
}

/// DAM's median time per step over SAM's, at one N measured by both in the same run.
public struct TimeRatio: Codable, Sendable, Equatable {
    public let size: Int
    public let sparse: ProfiledModel
    public let damSeconds: Double
    public let samSeconds: Double
    public var ratio: Double { damSeconds / samSeconds }
    /// The same for the backward-record bytes per step.
    public let damRecordBytes: Double
    public let samRecordBytes: Double
}

/// Everything `scaling.json` holds: the raw measurements, every fit, the ratios and the claims.
public struct ScalingReport: Codable, Sendable, Equatable {
    public var formatVersion = 1
    public let measurements: MeasurementSet
    public let fits: [SeriesFit]
    public let ratios: [TimeRatio]
    public let claims: [ClaimCheck]
    /// Sizes predicted beyond each model's measured range.
    public let extrapolatedSizes: [ProfiledModel: [Int]]

    public func fit(_ model: ProfiledModel, _ metric: Metric) -> SeriesFit? {
        fits.first { $0.model == model && $0.metric == metric }
    }

    public func encoded() throws -> Data { try JSONCoding.encoder.encode(self) }
}

/// Fits every model × metric of a measurement set with `ComplexityFitter` and checks the claims.
public struct ScalingAnalyser: Sendable {
    public var fitter = ComplexityFitter()
    /// The paper's anchor size for time per step (N = 1,000,000).
    public static let paperAnchor = 1_000_000

    public init() {}

    /// Sizes to extrapolate to: 4× and 16× the largest measured N, 2^20 if below it, and 10^6.
    public static func extrapolationSizes(maxMeasured n: Int) -> [Int] {
        var sizes = [n * 4, n * 16, paperAnchor]
        if n < 1 << 20 { sizes.append(1 << 20) }
        return Array(Set(sizes.filter { $0 > n })).sorted()
    }

    public func analyse(_ set: MeasurementSet) -> ScalingReport {
        var fits: [SeriesFit] = []
        var extrapolated: [ProfiledModel: [Int]] = [:]
        for model in ProfiledModel.allCases {
            let ms = set.measurements(of: model)
            guard !ms.isEmpty else { continue }
            let extra = Self.extrapolationSizes(maxMeasured: ms.last!.size)
            extrapolated[model] = extra
            for metric in Metric.allCases {
                let points = ms.compactMap { m in metric.replicates(m).map { (m.size, $0) } }
                fits.append(fit(model, metric, points: points, extra: extra))
            }
        }
        return ScalingReport(measurements: set, fits: fits, ratios: ratios(set),
                             claims: Self.claims.map { check($0, fits) }, extrapolatedSizes: extrapolated)
    }

    func fit(_ model: ProfiledModel, _ metric: Metric, points: [(Int, [Double])], extra: [Int]) -> SeriesFit {
        let sizes = points.map(\.0)
        guard points.count >= 4 else {
            let error = ProfilingError.tooFewSizes(found: points.count, required: 4).description
            return SeriesFit(model: model, metric: metric, sizes: sizes, analysis: nil, error: error, curve: [])
        }
        do {
            let analysis = try fitter.analyse(sizes: sizes, replicates: points.map(\.1), extrapolatingTo: extra)
            let low = Double(sizes.min()!), high = Double((sizes + extra).max()!)
            let grid = (0...60).map { Int((low * pow(high / low, Double($0) / 60)).rounded()) }
            let curve = try analysis.predict(at: Array(Set(grid + sizes)).sorted())
            return SeriesFit(model: model, metric: metric, sizes: sizes, analysis: analysis, error: nil, curve: curve)
        } catch {
            return SeriesFit(model: model, metric: metric, sizes: sizes, analysis: nil, error: "\(error)", curve: [])
        }
    }

    func ratios(_ set: MeasurementSet) -> [TimeRatio] {
        let dam = Dictionary(set.measurements(of: .dam).map { ($0.size, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [TimeRatio] = []
        for sparse in ProfiledModel.allCases where sparse.isSparse {
            for s in set.measurements(of: sparse) {
                guard let d = dam[s.size] else { continue }
                out.append(TimeRatio(size: s.size, sparse: sparse, damSeconds: ReplicateStatistics.median(d.stepSeconds),
                                     samSeconds: ReplicateStatistics.median(s.stepSeconds),
                                     damRecordBytes: ReplicateStatistics.median(d.recordBytesPerStep),
                                     samRecordBytes: ReplicateStatistics.median(s.recordBytesPerStep)))
            }
        }
        return out
    }

    struct Claim {
        let model: ProfiledModel, metric: Metric, claim: String, accepted: [ComplexityClass], slope: SlopeCondition?
    }

    /// The claims of Proofs/complexity-claims.md that the fits must confirm (issue 5, "Done when"),
    /// plus the forward/backward split.
    static let claims: [Claim] = {
        var c: [Claim] = [
            Claim(model: .dam, metric: .stepTime, claim: "O(N)", accepted: [.linear], slope: nil),
            Claim(model: .dam, metric: .forwardTime, claim: "O(N)", accepted: [.linear], slope: nil),
            Claim(model: .dam, metric: .backwardTime, claim: "O(N)", accepted: [.linear], slope: nil),
            Claim(model: .dam, metric: .recordBytes, claim: "O(N)", accepted: [.linear], slope: nil),
            Claim(model: .samExact, metric: .stepTime, claim: "O(N)", accepted: [.linear], slope: nil),
            Claim(model: .samExact, metric: .forwardTime, claim: "O(N)", accepted: [.linear], slope: nil),
            Claim(model: .samKDTree, metric: .stepTime, claim: "O(log N) or better, slope upper bound < 0.2",
                  accepted: [.constant, .logN], slope: .upperBelow(0.2)),
            Claim(model: .samKDTree, metric: .forwardTime, claim: "O(log N) or better, slope upper bound < 0.2",
                  accepted: [.constant, .logN], slope: .upperBelow(0.2)),
            // Fixed bits give N/2^b candidates per table: O(N) with a small constant. Over the measured
            // range O(N) and O(N log N) are within a few BIC points, so the slope decides: sub-linear.
            Claim(model: .samLSH, metric: .stepTime, claim: "O(N) or better (fixed bits: N/2^b candidates), slope upper bound < 1",
                  accepted: [.constant, .logN, .linear, .nLogN], slope: .upperBelow(1)),
        ]
        for m in [ProfiledModel.samExact, .samKDTree, .samLSH] {
            c.append(Claim(model: m, metric: .recordBytes, claim: "O(1), slope CI contains 0",
                           accepted: [.constant], slope: .containsZero))
            // The backward touches O(R*K) rows whatever N is; a larger memory only spreads those rows
            // over more cache lines, which shows as a small slope. The slope bound is the claim.
            c.append(Claim(model: m, metric: .backwardTime, claim: "O(1) in N up to cache effects: slope upper bound < 0.2",
                           accepted: [.constant, .logN, .linear, .nLogN], slope: .upperBelow(0.2)))
        }
        return c
    }()

    func check(_ claim: Claim, _ fits: [SeriesFit]) -> ClaimCheck {
        let analysis = fits.first { $0.model == claim.model && $0.metric == claim.metric }?.analysis
        let confirmed = analysis.map { a in
            claim.accepted.contains(a.selection.chosen) && (claim.slope?.holds(a.slope) ?? true)
        }
        return ClaimCheck(model: claim.model, metric: claim.metric, claim: claim.claim, accepted: claim.accepted,
                          slopeCondition: claim.slope, chosen: analysis?.selection.chosen, confirmed: confirmed)
    }
}

/// Medians and quartiles of replicate values.
public enum ReplicateStatistics {
    public static func median(_ v: [Double]) -> Double { quantile(v, 0.5) }

    /// Linear-interpolation quantile (type 7); NaN for an empty list.
    public static func quantile(_ v: [Double], _ p: Double) -> Double {
        guard !v.isEmpty else { return .nan }
        let s = v.sorted()
        let h = Double(s.count - 1) * p
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, s.count - 1)
        return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
    }
}
