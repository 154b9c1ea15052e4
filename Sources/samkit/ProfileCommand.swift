import ArgumentParser
import CAllocationCounter
import Foundation
import NearestNeighbours
import OutputFiles
import Profiling

/// `samkit profile`: measure time and memory per step over N, one child process per (model, N).
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile", abstract: "Measure time and memory per step over memory sizes N.",
        discussion: """
            Each (model, N) runs in --processes fresh child processes (this executable, re-invoked; the \
            rounds are interleaved over the sweep), single-threaded: warm-up segments, then timed segments \
            of T steps, forward and backward timed separately, each followed by one segment of the bare \
            controller (the paired reference, for the Headline's ratios); the fit's replicates are the \
            per-process medians. A short quiet check (load average, calibration-kernel spread) runs first and is \
            recorded. Writes OUT/measurements.json atomically. Progress goes to stderr when it is a terminal. \
            \(ExitConvention.help)
            """)

    @Option(help: ArgumentHelp("Comma-separated models: " + ProfiledModel.allCases.map { "\($0.rawValue) (\($0.label))" }.joined(separator: ", ") + "."))
    var models = ProfiledModel.defaultRuns.map(\.rawValue).joined(separator: ",")

    @Option(help: "Comma-separated memory sizes N (integers or 2^k), at least 4 distinct, each in 4...16777216. Default: DAM 2^8...2^16, SAM 2^10...2^20.")
    var sizes: String?

    @Option(help: "Steps T per timed segment (1...1000).")
    var steps = 8

    @Option(help: "Timed segments per (model, N) in each process (1...1000).")
    var repeats = 3

    @Option(help: "Separate processes per (model, N) (1...100); each gives one replicate, the median of its timed segments.")
    var processes = 3

    @Option(help: "Untimed warm-up segments per (model, N) (0...100).")
    var warmup = 2

    @OptionGroup var process: SweepProcessOptions

    /// A worker only: read through this index instead of the model's (scripts/step-profile.sh).
    @Option(help: .hidden)
    var workerIndex: String?
    /// The worker time limit unless --timeout: seconds per (model, N).
    static let standardTimeout: Double = 300

    func plan() throws(ProfilingError) -> SweepPlan {
        let list = try ProfiledModel.parseList(models)
        _ = try process.timeout(standard: Self.standardTimeout)
        if let sizes {
            return try SweepPlan(models: list, sizes: SweepPlan.parseSizes(sizes), steps: steps, repeats: repeats, warmup: warmup,
                                 processes: processes)
        }
        let standard = SweepPlan.standard()
        return try SweepPlan(sizes: Dictionary(uniqueKeysWithValues: list.map { ($0, standard.sizes[$0]!) }),
                             steps: steps, repeats: repeats, warmup: warmup, processes: processes)
    }

    func run() throws {
        if process.worker { return runWorker() }
        let plan: SweepPlan
        do {
            plan = try self.plan()
            try OutputPath.check(process.out, option: "--out", as: .folder)
            try MemoryBudget.check(plan, command: "profile")
        } catch { fail("profile", error) }
        let folder = URL(fileURLWithPath: process.out)
        TerminationCleanup.shared.install()
        let quiet = QuietCheck.run()
        FileHandle.standardError.write(Data("samkit profile: before the sweep: \(quiet.summary)\n".utf8))
        let set = Sweep(plan: plan, runner: try workerRunner(timeout: process.timeout(standard: Self.standardTimeout))).run(quietCheck: quiet)
        do {
            try AtomicFile.write(set.encoded(), to: folder.appendingPathComponent("measurements.json"))
        } catch { fail("profile", error) }
        summarise(set)
        if set.measurements.isEmpty { throw ExitCode(1) }
    }

    /// Worker mode: one model at one size, in this process; the result as JSON on stdout.
    func runWorker() {
        let progress = ProgressLine(enabled: process.workerLabel != nil && ProgressLine().enabled)
        let output: WorkerOutput
        do {
            let parsed = try SweepPlan.parseSizes(sizes ?? "", requireFitSizes: false)
            var shape = ModelShape()
            if let workerIndex {
                guard let kind = IndexKind(rawValue: workerIndex) else {
                    throw ProfilingError.optionOutOfRange(name: "worker-index", value: workerIndex,
                                                          valid: IndexKind.allCases.map(\.rawValue).joined(separator: ", "))
                }
                shape.index = kind
            }
            let plan = try SweepPlan(models: ProfiledModel.parseList(models), sizes: parsed, steps: steps, repeats: repeats,
                                     warmup: warmup, shape: shape, requireFitSizes: false)
            guard plan.models.count == 1, let model = plan.models.first, parsed.count == 1, let size = parsed.first else {
                throw ProfilingError.badModelList(value: models, reason: "a worker measures exactly one model at one size")
            }
            let counter = AllocationCounting(start: { allocation_counter_start() }, stop: { Int(allocation_counter_stop()) })
            let m = try Driver(plan: plan, allocations: counter).measure(model, size: size) { segment, total in
                progress.show("\(process.workerLabel ?? "") segment \(segment)/\(total) (T = \(steps))")
            }
            output = WorkerOutput(measurement: m, error: nil)
        } catch {
            output = WorkerOutput(measurement: nil, error: "\(error)")
        }
        let encoder = JSONEncoder()
        let data = (try? encoder.encode(output)) ?? Data(#"{"error":"cannot encode the measurement"}"#.utf8)
        FileHandle.standardOutput.write(data)
        if output.measurement == nil { Foundation.exit(1) }
    }
}

/// The runner that re-invokes this executable as `samkit profile --worker ...` per (model, N).
func workerRunner(timeout: Double) throws -> MeasurementRunner {
    let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return .childProcess(executable: URL(fileURLWithPath: path), arguments: ["profile", "--worker"], timeout: timeout)
}

/// Prints a profiling error to stderr and exits with status 2, before any file is written.
func fail(_ command: String, _ error: any Error) -> Never {
    FileHandle.standardError.write(Data("samkit \(command): error: \(error)\n".utf8))
    Foundation.exit(2)
}

/// A short account of a sweep on stderr.
func summarise(_ set: MeasurementSet) {
    var text = "samkit: measured \(set.measurements.count) (model, N) pairs in \(ProgressLine.duration(set.sweepSeconds)), single-threaded"
    if !set.failures.isEmpty { text += "; \(set.failures.count) failed or skipped (listed in the report)" }
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// The options `profile` and `over-steps` share: the output folder, the worker time limit, and the
/// hidden flags a worker process is re-invoked with.
struct SweepProcessOptions: ParsableArguments {
    @Option(help: "Output folder.")
    var out = "reports"

    @Option(help: "Seconds after which one worker process is killed and its (model, N) recorded as failed, 1...86400 (default: 300 for profile, 900 for over-steps).")
    var timeout: Double?

    @Flag(help: .hidden)
    var worker = false

    @Option(help: .hidden)
    var workerLabel: String?

    /// --timeout, or `standard` when not given.
    /// - Throws: `ProfilingError.optionOutOfRange` outside 1...86400 seconds.
    func timeout(standard: Double) throws(ProfilingError) -> Double {
        let seconds = timeout ?? standard
        if !(1...86_400).contains(seconds) {
            throw .optionOutOfRange(name: "timeout", value: "\(seconds)", valid: "1...86400 seconds")
        }
        return seconds
    }
}
