import ComplexityFit
import Foundation
import OutputFiles

/// What an over-steps worker prints on stdout: the points of its plan, or an error message.
public struct OverStepsWorkerOutput: Codable, Sendable {
    /// The plan's points, one per T; nil if the worker failed.
    public let points: [OverStepsPoint]?
    /// Why the worker failed; nil on success.
    public let error: String?
    /// The output of a worker: its points, or its error.
    public init(points: [OverStepsPoint]?, error: String?) {
        self.points = points
        self.error = error
    }
}

/// The peak resident memory of one plan against T, fitted by `ComplexityFitter` (the same GSL fit
/// as the scaling report, with T in the place of N): a + b·T, b being the growth per step.
public struct OverStepsFit: Codable, Sendable, Equatable {
    /// The GSL fit of peak resident memory (bytes) against T.
    public let analysis: ComplexityAnalysis
    /// The claim "peak resident memory is linear in T" (SAM: Θ(1) space per step) judged by the
    /// report's verdict rule (`ClaimVerdict.judge`): confirmed, contradicted or inconclusive.
    public let linearVerdict: ClaimVerdict

    /// b of the linear fit, bytes per step, with its standard error.
    public var growthPerStep: Coefficient? { analysis.fit(for: .linear)?.weighted.growth }

    /// Fits peak VmHWM (bytes) against T; nil with fewer than `ScalingSeries.minimumSizes` T values.
    public static func fit(_ points: [OverStepsPoint], fitter: ComplexityFitter = ComplexityFitter()) throws -> OverStepsFit? {
        guard Set(points.map(\.steps)).count >= ScalingSeries.minimumSizes else { return nil }
        let analysis = try fitter.analyse(sizes: points.map(\.steps), replicates: points.map { [Double($0.peakResidentBytes)] })
        return OverStepsFit(analysis: analysis, linearVerdict: ClaimVerdict.judge(.linear, analysis, noisy: false))
    }
}

/// One plan's outcome: its points and fit, or why it has none.
public struct OverStepsSeries: Codable, Sendable, Equatable {
    /// The model, N and T list that were run.
    public let plan: OverStepsPlan
    /// The measured episodes, ascending T.
    public let points: [OverStepsPoint]
    /// The fit of peak resident memory against T; nil with too few T or a failed fit (see `note`).
    public let fit: OverStepsFit?
    /// Why there is no fit (fewer than 4 T, a failed fit), or why there are no points.
    public let note: String?
    /// The run failed or was refused (no fit; `points` holds what was measured before).
    public let failed: Bool

    /// A completed run: fits `points` (a `note` says why when there is no fit).
    public init(plan: OverStepsPlan, points: [OverStepsPoint], fitter: ComplexityFitter = ComplexityFitter()) {
        self.plan = plan
        self.points = points
        self.failed = false
        do {
            fit = try OverStepsFit.fit(points, fitter: fitter)
            note = fit == nil ? "no fit: \(points.count) T value(s), a fit needs \(ScalingSeries.minimumSizes)" : nil
        } catch {
            fit = nil
            note = "no fit: \(error)"
        }
    }

    /// A run that failed (or was refused) after measuring `points` (those of the smaller T, if any).
    public init(plan: OverStepsPlan, points: [OverStepsPoint] = [], failure: String) {
        self.plan = plan
        self.points = points
        fit = nil
        note = failure
        failed = true
    }

    /// The point of episode length T, if measured.
    public func point(steps t: Int) -> OverStepsPoint? { points.first { $0.steps == t } }
}

/// Everything `samkit over-steps` (and the report's section) measured.
public struct OverStepsResult: Codable, Sendable, Equatable {
    /// The format's version.
    public var formatVersion = 1
    /// One series per plan, in the order run.
    public let series: [OverStepsSeries]
    /// Whether each T ran in its own fresh process (else each plan's T list ran in one process).
    public let processPerEpisode: Bool
    /// Wall seconds of the whole run, every plan.
    public let seconds: Double

    /// The series of a run, how it was run, and its duration in seconds.
    public init(series: [OverStepsSeries], processPerEpisode: Bool, seconds: Double) {
        self.series = series
        self.processPerEpisode = processPerEpisode
        self.seconds = seconds
    }

    /// The first series of `model` with at least one point, or nil.
    public func series(_ model: ProfiledModel) -> OverStepsSeries? { series.first { $0.plan.model == model && !$0.points.isEmpty } }

    /// The result as JSON.
    public func encoded() throws -> Data { try JSONCoding.encoder.encode(self) }
}

/// Runs over-steps plans in fresh child processes (`samkit over-steps --worker`), with progress.
public struct OverStepsRunner {
    /// The `samkit` executable started for each worker.
    public let executable: URL
    /// The worker's leading arguments (`over-steps --worker`), before the plan's `--models`, `--size`, `--steps`.
    public let arguments: [String]
    /// Seconds a worker may run before it is killed.
    public let timeout: Double
    /// One process per T (true) or one per plan, its T in ascending order (false; one model build).
    public let processPerEpisode: Bool
    /// The progress line on stderr, also used for notes of refusals and failures.
    public let progress: ProgressLine

    /// A runner that starts `executable` with `arguments` per worker, each killed after `timeout` seconds.
    public init(executable: URL, arguments: [String], timeout: Double, processPerEpisode: Bool,
                progress: ProgressLine = ProgressLine()) {
        self.executable = executable
        self.arguments = arguments
        self.timeout = timeout
        self.processPerEpisode = processPerEpisode
        self.progress = progress
    }

    /// The worker's arguments for one model, N and T list.
    public static func workerArguments(_ plan: OverStepsPlan) -> [String] {
        ["--models", plan.model.rawValue, "--size", "\(plan.size)", "--steps", plan.steps.map(String.init).joined(separator: ",")]
    }

    /// - Parameter refusal: why a plan must not run (its estimated memory exceeds what is available), or nil.
    public func run(_ plans: [OverStepsPlan], refusal: (OverStepsPlan) -> String? = { _ in nil }) -> OverStepsResult {
        let start = Clock.monotonic()
        var series: [OverStepsSeries] = []
        for plan in plans {
            if let reason = refusal(plan) {
                series.append(OverStepsSeries(plan: plan, failure: "refused: \(reason)"))
                progress.note("samkit: over steps: \(plan.model.rawValue) at N = \(plan.size) refused: \(reason)")
                continue
            }
            let parts = processPerEpisode ? plan.steps.map { [$0] } : [plan.steps]
            var points: [OverStepsPoint] = [], failure: String? = nil
            for part in parts {
                let label = "over steps: \(plan.model.rawValue) N=\(plan.size) T=\(part.map(String.init).joined(separator: ","))"
                progress.show(label, force: true)
                do {
                    let sub = try OverStepsPlan(model: plan.model, size: plan.size, steps: part, shape: plan.shape)
                    points += try runChild(sub, label: label)
                } catch {
                    failure = "\(error)"
                    progress.note("samkit: \(label) failed: \(error)")
                    break
                }
            }
            series.append(failure.map { OverStepsSeries(plan: plan, points: points, failure: $0) } ?? OverStepsSeries(plan: plan, points: points))
        }
        progress.finish()
        return OverStepsResult(series: series, processPerEpisode: processPerEpisode, seconds: Clock.monotonic() - start)
    }

    func runChild(_ plan: OverStepsPlan, label: String) throws -> [OverStepsPoint] {
        let extra = progress.enabled ? ["--worker-label", label] : []
        return try WorkerProcess.result(OverStepsWorkerOutput.self, executable: executable,
                                        arguments: arguments + Self.workerArguments(plan) + extra, timeout: timeout,
                                        model: plan.model.rawValue, size: plan.size) { ($0.points, $0.error) }
    }
}
