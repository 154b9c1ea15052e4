import ComplexityFit
import Foundation

/// The fit of one model × metric: the GSL analysis, or why there is none.
public struct SeriesFit: Codable, Sendable, Equatable {
    /// The model measured.
    public let model: ProfiledModel
    /// The metric fitted.
    public let metric: Metric
    /// Sizes measured for this series (ascending).
    public let sizes: [Int]
    /// The fitted classes and the chosen one (nil: see `error`).
    public let analysis: ComplexityAnalysis?
    /// Why there is no analysis (too few sizes, a failed fit).
    public let error: String?
    /// The chosen class's predictions on a geometric grid from the smallest measured N to the
    /// largest extrapolated N (for the plots); each is flagged measured, interpolated or extrapolated.
    /// One noise model (the pooled one) throughout, so the band is continuous at the last measured N.
    public let curve: [Prediction]
}

/// A claim of Proofs/complexity-claims.md checked against a fit: one class, as the theory states it.
public struct ClaimCheck: Codable, Sendable, Equatable {
    /// The model the claim is about.
    public let model: ProfiledModel
    /// The metric the claim is about.
    public let metric: Metric
    /// The claim's proof in Proofs/complexity-claims.md, e.g. "D1".
    public let proof: String
    /// The one class the theory gives.
    public let claimed: ComplexityClass
    /// The fitted class, nil when there is no fit.
    public let chosen: ComplexityClass?
    /// Whether any time measurement behind the row stayed below the busy threshold at the re-run cap.
    public let noisy: Bool
    /// confirmed, contradicted or inconclusive, with the reason (`ClaimVerdict.judge`).
    public let verdict: ClaimVerdict

    /// Confirmed, contradicted or inconclusive.
    public var outcome: VerdictOutcome { verdict.outcome }
}

/// DAM's median time per step over SAM's, at one N measured by both in the same run.
public struct TimeRatio: Codable, Sendable, Equatable {
    /// N.
    public let size: Int
    /// The SAM variant compared with DAM.
    public let sparse: ProfiledModel
    /// DAM's median seconds per step at N.
    public let damSeconds: Double
    /// SAM's median seconds per step at N.
    public let samSeconds: Double
    /// DAM's time over SAM's.
    public var ratio: Double { damSeconds / samSeconds }
    /// The same for the backward-record bytes per step.
    public let damRecordBytes: Double
    /// SAM's backward-record bytes per step at N.
    public let samRecordBytes: Double
}

/// Everything `scaling.json` holds: the raw measurements, every fit, the ratios and the claims.
public struct ScalingReport: Codable, Sendable, Equatable {
    /// The report format's version.
    public var formatVersion = 1
    /// The measurements analysed.
    public let measurements: MeasurementSet
    /// One fit per model × metric measured.
    public let fits: [SeriesFit]
    /// DAM over SAM at every N both measured.
    public let ratios: [TimeRatio]
    /// Every claim of Proofs/complexity-claims.md with a fit to judge it.
    public let claims: [ClaimCheck]
    /// Sizes predicted beyond each model's measured range.
    public let extrapolatedSizes: [ProfiledModel: [Int]]
    /// The memory over steps (the paper's Fig. 1b), when this run measured it.
    public var overSteps: OverStepsResult? = nil
    /// The indexes' recall/speed frontier (`samkit index-bench --frontier`, its own run), when the report
    /// folder held `index-frontier.json`: read for the Headline's row 7, not measured by this sweep.
    public var frontier: FrontierRecord? = nil

    /// Every claim confirmed (what `--strict` requires).
    public var allConfirmed: Bool { claims.allSatisfy { $0.outcome == .confirmed } }

    /// The fit of `model` × `metric`, if measured.
    public func fit(_ model: ProfiledModel, _ metric: Metric) -> SeriesFit? {
        fits.first { $0.model == model && $0.metric == metric }
    }

    /// The report as JSON.
    public func encoded() throws -> Data { try JSONCoding.encoder.encode(self) }
}

/// Fits every model × metric of a measurement set with `ComplexityFitter` and checks the claims.
public struct ScalingAnalyser: Sendable {
    /// The complexity fitter (ComplexityFit).
    public var fitter = ComplexityFitter()
    /// The paper's anchor size for time per step (N = 1,000,000).
    public static let paperAnchor = 1_000_000

    /// An analyser with the default fitter.
    public init() {}

    /// Sizes to extrapolate to: 4× and 16× the largest measured N, 2^20 if below it, and 10^6.
    public static func extrapolationSizes(maxMeasured n: Int) -> [Int] {
        var sizes = [n * 4, n * 16, paperAnchor]
        if n < 1 << 20 { sizes.append(1 << 20) }
        return Array(Set(sizes.filter { $0 > n })).sorted()
    }

    /// Fits every series of `set`, computes the DAM/SAM ratios and judges every claim.
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
                             claims: Self.claims.filter { set.plan.sizes[$0.model] != nil }.map { check($0, fits, set) }, extrapolatedSizes: extrapolated)
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
            let curve = try analysis.predict(at: Array(Set(grid + sizes)).sorted(), pooledNoise: true)
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
                out.append(TimeRatio(size: s.size, sparse: sparse, damSeconds: Statistics.median(d.stepSeconds),
                                     samSeconds: Statistics.median(s.stepSeconds),
                                     damRecordBytes: Statistics.median(d.recordBytesPerStep),
                                     samRecordBytes: Statistics.median(s.recordBytesPerStep)))
            }
        }
        return out
    }

    /// One claim: a model, a metric, the one class the proof gives.
    struct Claim {
        let model: ProfiledModel, metric: Metric, proof: String, claimed: ComplexityClass
    }

    /// The claims of Proofs/complexity-claims.md, one class each, exactly as the proofs state them:
    /// every registered variant's (`ProfiledVariant.claims`), in registry order.
    static let claims: [Claim] = ProfiledModel.allCases.flatMap { m in
        m.variant.claims.map { Claim(model: m, metric: Metric(rawValue: $0.metric)!, proof: $0.proof, claimed: $0.claimed) }
    }

    func check(_ claim: Claim, _ fits: [SeriesFit], _ set: MeasurementSet) -> ClaimCheck {
        let noisy = claim.metric.isTime && set.measurements(of: claim.model).contains { $0.isNoisy }
        let verdict: ClaimVerdict
        if let analysis = fits.first(where: { $0.model == claim.model && $0.metric == claim.metric })?.analysis {
            verdict = ClaimVerdict.judge(claim.claimed, analysis, noisy: noisy)
        } else {
            let why = fits.first { $0.model == claim.model && $0.metric == claim.metric }?.error ?? "not measured"
            verdict = ClaimVerdict(claimed: claim.claimed, outcome: .inconclusive, reason: "no fit: \(why)",
                                   delta: nil, localSlope: nil)
        }
        return ClaimCheck(model: claim.model, metric: claim.metric, proof: claim.proof, claimed: claim.claimed,
                          chosen: fits.first { $0.model == claim.model && $0.metric == claim.metric }?.analysis?.selection.chosen,
                          noisy: noisy, verdict: verdict)
    }
}
