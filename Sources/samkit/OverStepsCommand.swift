import ArgumentParser
import Foundation
import OutputFiles
import Profiling

/// `samkit over-steps`: the paper's memory figure (Fig. 1b): resident memory over T steps of training.
struct OverStepsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "over-steps", abstract: "Measure resident memory over T steps of training (the paper's Fig. 1b).",
        discussion: """
            For each model: build it at N, draw the episodes, return the free heap to the kernel and read \
            VmRSS (the baseline, so initialisation is excluded as in the paper); then for each T, one episode \
            of T steps forward and backward with VmHWM reset at its start. The growth is the peak above the \
            baseline; peak resident memory is fitted against T (a + b·T, b the growth per step) by the \
            report's GSL fitter when there are at least 4 T. Default: SAM with the k-d forest at N = 2^20 \
            over T = 100, 1000, 10000, 100000, and DAM at N = 2^16 over T = 100. Each T runs in its own \
            fresh child process (--one-process: each model's T in one process, ascending; faster, never \
            under-counts). Refused before anything is allocated when the estimated memory exceeds \
            MemAvailable. Writes OUT/over-steps.json, OUT/over-steps.md and OUT/plots/memory-over-steps.png \
            (gnuplot), each atomically; progress on stderr. \(ExitConvention.help)
            """)

    @Option(help: ArgumentHelp("Comma-separated models: \(ProfiledModel.names). Default: \(OverStepsPlan.standard().map(\.model.rawValue).joined(separator: " and ")) (the paper's figure)."))
    var models: String?

    @Option(name: .customLong("size"), help: "Memory words N for every model (an integer or 2^k in \(OptionLimits.text(OptionLimits.memoryWords))). Default: SAM 2^20, DAM 2^16.",
            transform: size("--size", OptionLimits.memoryWords))
    var memoryWords: Int?

    @Option(help: "Comma-separated episode lengths T (integers or 2^k, distinct, each in 1...1000000). Default: SAM 100,1000,10000,100000; DAM 100.")
    var steps: String?

    @Flag(help: "Run each model's T in one process (ascending, the model reset between them) instead of one process per T.")
    var oneProcess = false

    @OptionGroup var process: SweepProcessOptions
    /// The worker time limit unless --timeout: seconds per model.
    static let standardTimeout: Double = 900

    /// The plans the options ask for.
    func plans() throws -> [OverStepsPlan] {
        let list = try models.map { text throws(ProfilingError) in try ProfiledModel.parseList(text) } ?? OverStepsPlan.standard().map(\.model)
        let parsedSteps = try steps.map { text throws(ProfilingError) in try OverStepsPlan.parseSteps(text) }
        let standard = OverStepsPlan.standard()
        return try list.map { model throws(ProfilingError) in
            let preset = standard.first { $0.model == model } ?? standard.first { $0.model.isSparse == model.isSparse }!
            return try OverStepsPlan(model: model, size: memoryWords ?? preset.size, steps: parsedSteps ?? preset.steps)
        }
    }

    func run() throws {
        if process.worker { return runWorker() }
        let plans: [OverStepsPlan], timeout: Double
        do {
            timeout = try process.timeout(standard: Self.standardTimeout)
            plans = try self.plans()
            try OutputPath.check(process.out, option: "--out", as: .folder)
            for plan in plans { try MemoryBudget.check(plan.estimatedBytes(), what: overStepsField(plan)) }
        } catch { fail("over-steps", error) }
        TerminationCleanup.shared.install()
        let runner = overStepsRunner(timeout: timeout, processPerEpisode: !oneProcess)
        let result = runner.run(plans)
        let folder = URL(fileURLWithPath: process.out)
        var plot: String? = nil, note: String? = nil
        do {
            try AtomicFile.write(result.encoded(), to: folder.appendingPathComponent("over-steps.json"))
            let plotter = GnuplotPlotter()
            if plotter.isAvailable {
                do { plot = try plotter.drawOverSteps(result, into: folder) } catch { note = error.description }
            } else { note = "\(plotter.executable) is not installed (make deps installs gnuplot-nox)" }
            let md = OverStepsReport.section(result, plot: plot, plotNote: note,
                                             heading: "# Resident memory over steps of training (the paper's Fig. 1b)")
            try AtomicFile.write(md, to: folder.appendingPathComponent("over-steps.md"))
        } catch { fail("over-steps", error) }
        if let note { FileHandle.standardError.write(Data("samkit over-steps: warning: no plot: \(note)\n".utf8)) }
        print(OverStepsReport.section(result, plot: plot, plotNote: note))
        print("Wrote \(folder.appendingPathComponent("over-steps.json").path), \(folder.appendingPathComponent("over-steps.md").path)\(plot.map { ", " + folder.appendingPathComponent($0).path } ?? "")")
        if result.series.contains(where: \.failed) { throw ExitCode(1) }
    }

    /// Worker mode: one model at one N over its T list, in this process; the points as JSON on stdout.
    func runWorker() {
        let progress = ProgressLine(enabled: process.workerLabel != nil && ProgressLine().enabled)
        let output: OverStepsWorkerOutput
        do {
            let plans = try self.plans()
            guard plans.count == 1, let plan = plans.first else {
                throw ProfilingError.badModelList(value: models ?? "", reason: "a worker measures exactly one model")
            }
            let points = try OverStepsDriver(plan: plan).measure(freshProcess: true) { t, i, count in
                progress.show("\(process.workerLabel ?? "") episode \(i + 1)/\(count) (T = \(t))", force: true)
            }
            output = OverStepsWorkerOutput(points: points, error: nil)
        } catch {
            output = OverStepsWorkerOutput(points: nil, error: "\(error)")
        }
        progress.finish()
        let data = (try? JSONEncoder().encode(output)) ?? Data(#"{"error":"cannot encode the points"}"#.utf8)
        FileHandle.standardOutput.write(data)
        if output.points == nil { Foundation.exit(1) }
    }
}

/// Why a plan must not run: its estimated memory (`ModelFootprint`) exceeds MemAvailable; nil if it fits.
func overStepsRefusal(_ plan: OverStepsPlan) -> String? {
    let estimate: Int?
    do { estimate = try plan.estimatedBytes() } catch { return "\(error)" }
    do { try MemoryBudget.check(estimate, what: overStepsField(plan)) } catch { return "\(error)" }
    return nil
}

/// "--size 1048576 with --steps up to 100000 (sam-kdtree)": what an over-steps refusal names.
func overStepsField(_ plan: OverStepsPlan) -> String {
    "--size \(plan.size) with --steps up to \(plan.steps.last!) (\(plan.model.rawValue))"
}

/// The runner that re-invokes this executable as `samkit over-steps --worker ...`.
func overStepsRunner(timeout: Double, processPerEpisode: Bool) -> OverStepsRunner {
    let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return OverStepsRunner(executable: URL(fileURLWithPath: path), arguments: ["over-steps", "--worker"],
                           timeout: timeout, processPerEpisode: processPerEpisode)
}
