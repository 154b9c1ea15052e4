import Foundation
import OutputFiles
#if canImport(Glibc)
import Glibc
#endif

/// How one (model, N) gets measured.
public enum MeasurementRunner: Sendable {
    /// In this process (tests; no isolation of resident memory between sizes).
    case inProcess
    /// In a fresh child process per (model, N): `executable arguments... --models M --sizes N ...`
    /// must print one `WorkerOutput` as JSON on stdout. Killed after `timeout` seconds.
    case childProcess(executable: URL, arguments: [String], timeout: Double)
}

/// What a worker prints on stdout: a measurement or an error message.
public struct WorkerOutput: Codable, Sendable {
    /// The measurement, when the worker succeeded.
    public let measurement: SizeMeasurement?
    /// The worker's error, when it failed.
    public let error: String?
    /// A worker's output.
    public init(measurement: SizeMeasurement?, error: String?) {
        self.measurement = measurement
        self.error = error
    }
}

/// Runs a sweep, job by job, with progress on stderr when it is a terminal.
///
/// A failing (model, N) is recorded as a `MeasurementFailure` and the model's larger sizes are
/// skipped (they would fail the same way or worse); the other models continue.
public struct Sweep {
    /// The sweep to run.
    public let plan: SweepPlan
    /// Runs one (model, N) measurement (in a child process or in this one).
    public let runner: MeasurementRunner
    /// Progress on stderr.
    public let progress: ProgressLine

    /// A sweep of `plan` through `runner`.
    public init(plan: SweepPlan, runner: MeasurementRunner, progress: ProgressLine = ProgressLine()) {
        self.plan = plan
        self.runner = runner
        self.progress = progress
    }

    /// Runs every job `plan.processCount` times, round by round (so the processes of one (model, N)
    /// are spread over the sweep), and merges each job's runs into one measurement.
    public func run(machine: MachineInfo = .current(), quietCheck: QuietCheck? = nil) -> MeasurementSet {
        let start = Clock.monotonic()
        let jobs = plan.jobs, rounds = plan.processCount
        let work = (0..<rounds).flatMap { round in jobs.map { (round, $0) } }
        var runs: [String: [SizeMeasurement]] = [:], failures: [MeasurementFailure] = []
        var failed = Set<ProfiledModel>()
        var estimator = TimeLeftEstimator()
        for (number, (round, job)) in work.enumerated() {
            if failed.contains(job.model) {
                if round == 0 {
                    failures.append(MeasurementFailure(model: job.model, size: job.size,
                                                       reason: "skipped: a smaller size of this model failed"))
                }
                continue
            }
            let left = estimator.estimate(remaining: work[number...].map(\.1))
            let process = rounds > 1 ? " process \(round + 1)/\(rounds)" : ""
            let prefix = "[\(number + 1)/\(work.count)] \(job.model.rawValue) N=\(job.size)\(process)"
            let suffix = left.map { ", about \(ProgressLine.duration($0)) left" } ?? ""
            progress.show("\(prefix)\(suffix)", force: true)
            let jobStart = Clock.monotonic()
            do {
                let m = try measure(job, label: "\(prefix)\(suffix)") { segment, total in
                    progress.show("\(prefix) segment \(segment)/\(total) (T=\(plan.steps) steps)\(suffix)")
                }
                runs["\(job.model.rawValue)/\(job.size)", default: []].append(m)
            } catch {
                failed.insert(job.model)
                let reason = (error as? ProfilingError).map { "\($0)" } ?? "\(error)"
                failures.append(MeasurementFailure(model: job.model, size: job.size, reason: reason))
                progress.note("samkit: \(job.model.rawValue) at N = \(job.size) failed: \(reason)")
            }
            estimator.record(job, seconds: Clock.monotonic() - jobStart)
        }
        progress.finish()
        // A (model, N) counts only if every one of its processes succeeded (a failure in a later
        // round skips the model's remaining runs, so its sizes drop out and the failure is listed).
        let measurements = jobs.compactMap { job -> SizeMeasurement? in
            guard let list = runs["\(job.model.rawValue)/\(job.size)"], list.count == rounds else { return nil }
            return SizeMeasurement.merging(list).with(processes: rounds > 1 ? rounds : nil)
        }
        return MeasurementSet(plan: plan, machine: machine, measurements: measurements, failures: failures,
                              sweepSeconds: Clock.monotonic() - start, quietCheck: quietCheck)
    }

    func measure(_ job: SweepPlan.Job, label: String, progress: @escaping (Int, Int) -> Void) throws -> SizeMeasurement {
        switch runner {
        case .inProcess:
            return try Driver(plan: plan).measure(job.model, size: job.size, progress: progress)
        case let .childProcess(executable, arguments, timeout):
            return try Self.runChild(job, plan: plan, executable: executable,
                                     arguments: arguments + (self.progress.enabled ? ["--worker-label", label] : []),
                                     timeout: timeout)
        }
    }

    /// The worker's command-line arguments for one job (appended to the runner's arguments).
    public static func workerArguments(_ job: SweepPlan.Job, plan: SweepPlan) -> [String] {
        let (repeats, warmup) = plan.segments(job.model, size: job.size)
        return ["--models", job.model.rawValue, "--sizes", "\(job.size)", "--steps", "\(plan.steps)",
                "--repeats", "\(repeats)", "--warmup", "\(warmup)", "--processes", "1"]
    }

    static func runChild(_ job: SweepPlan.Job, plan: SweepPlan, executable: URL, arguments: [String],
                         timeout: Double) throws -> SizeMeasurement {
        try WorkerProcess.result(WorkerOutput.self, executable: executable, arguments: arguments + workerArguments(job, plan: plan),
                                 timeout: timeout, model: job.model.rawValue, size: job.size) { output in
            (output.measurement?.with(isolated: true), output.error)
        }
    }
}
