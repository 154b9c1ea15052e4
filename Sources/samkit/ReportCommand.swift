import ArgumentParser
import Foundation
import OutputFiles
import Profiling

/// `samkit report`: the quiet check, the default sweep, then the fits and the report.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Profile and fit: write the scaling report.",
        discussion: """
            Default sweep: DAM at N = 2^8...2^16, SAM with each index (exact, k-d forest, LSH) at \
            N = 2^10...2^20, factors of 2; W = 32, R = 4, K = 4, H = 100; T = 8 steps per segment; \
            each (model, N) in 3 separate processes, each with 2 warm-up and 3 timed segments; the fit's \
            replicates are the per-process medians. Single-threaded. \
            --quick: DAM to 2^13, SAM to 2^16, T = 4, 3 processes of 1 warm-up and 3 timed segments. \
            --sizes, --steps, --repeats, --warmup and --processes override the preset. \
            Before the sweep a short quiet check (load average, spread of a calibration kernel) is run and \
            reported. After the sweep, the memory over steps (the paper's Fig. 1b, `samkit over-steps`; \
            --no-over-steps skips it). scaling.md opens with the Headline table of issue 14's targets; its row 7 is read from \
            OUT/index-frontier.json when that file exists (`samkit index-bench --frontier`, `make frontier`). \
            Writes OUT/measurements.json, OUT/scaling.json, OUT/plots/*.png and OUT/scaling.md \
            into a staging folder beside OUT that replaces OUT whole (files of OUT it does not write, such as \
            baseline.json, are kept); a second run into the same OUT is refused; SIGINT/SIGTERM leave no \
            temporary files. Exit 0 on success, 1 with --strict when a claim is contradicted or \
            inconclusive (noisy rows are inconclusive), 2 on bad input or a busy folder. \
            \(ExitConvention.help)
            """)

    @Flag(help: "A smaller sweep that finishes in a few minutes.")
    var quick = false

    @Option(help: "Output folder.")
    var out = "reports"

    @Option(help: ArgumentHelp("Only these models (comma-separated: \(ProfiledModel.names))."))
    var models: String?

    @Option(help: "Sizes N for every model instead of the preset's (comma-separated integers or 2^k, at least 4, each in 4...16777216).")
    var sizes: String?

    @Option(help: "Steps T per timed segment instead of the preset's (1...1000).")
    var steps: Int?

    @Option(help: "Timed segments per process instead of the preset's (1...1000).")
    var repeats: Int?

    @Option(help: "Warm-up segments per process instead of the preset's (0...100).")
    var warmup: Int?

    @Option(help: "Separate processes per (model, N) instead of the preset's 3 (1...100).")
    var processes: Int?

    @Option(help: "Seconds after which one (model, N) worker is killed and recorded as failed (1...86400).")
    var timeout: Double = 300

    @Flag(help: "Exit 1 when any claim is contradicted or inconclusive (noisy rows are inconclusive).")
    var strict = false

    @Flag(help: "Skip the memory over steps (the paper's Fig. 1b; by default SAM with the k-d forest at N = 2^20 over T = 100, 1000, 10000, 100000 and DAM at 2^16 over T = 100, each model's T in one process: one model build per model and 111,100 SAM steps; --quick: SAM at 2^16 over T = 100...10000, DAM at 2^13).")
    var noOverSteps = false

    func run() throws {
        let preset = quick ? SweepPlan.quick() : SweepPlan.standard()
        let plan: SweepPlan
        let transaction: ReportTransaction
        let frontier: FrontierRecord?
        do {
            if !(1...86_400).contains(timeout) {
                throw ProfilingError.optionOutOfRange(name: "timeout", value: "\(timeout)", valid: "1...86400 seconds")
            }
            var bySize = preset.sizes
            if let models {
                let list = try ProfiledModel.parseList(models)
                bySize = bySize.filter { list.contains($0.key) }
            }
            if let sizes {
                let parsed = try SweepPlan.parseSizes(sizes)
                bySize = bySize.mapValues { _ in parsed }
            }
            plan = try SweepPlan(sizes: bySize, steps: steps ?? preset.steps, repeats: repeats ?? preset.repeats,
                                 warmup: warmup ?? preset.warmup, processes: processes ?? preset.processCount, shape: preset.shape)
            try OutputPath.check(out, option: "--out", as: .folder)
            try MemoryBudget.check(plan, command: "report")
            frontier = try existingFrontier(in: out)
            TerminationCleanup.shared.install()
            transaction = try ReportTransaction(target: URL(fileURLWithPath: out))
        } catch { fail("report", error) }
        let quiet = QuietCheck.run()
        FileHandle.standardError.write(Data("samkit report: before the sweep: \(quiet.summary)\n".utf8))
        let set = Sweep(plan: plan, runner: try workerRunner(timeout: timeout)).run(quietCheck: quiet)
        summarise(set)
        do { try checkFittable(set) } catch {
            transaction.abandon()
            fail("report", error)
        }
        // The paper's Fig. 1b: one process per model (its T ascending, one model build). Only the
        // sweep's models; with --sizes, N at most the sweep's largest. 3× the per-job time limit.
        let overSteps = noOverSteps ? nil : overStepsRunner(timeout: 3 * timeout, processPerEpisode: false)
            .run(Self.overStepsPlans(quick: quick, sweep: plan, customSizes: sizes != nil), refusal: overStepsRefusal)
        let report = try writeReport(set, transaction: transaction, command: "report", includeMeasurements: true,
                                     overSteps: overSteps, frontier: frontier)
        if strict && !report.allConfirmed { throw ExitCode(1) }
    }

    /// The preset's over-steps plans for the sweep's models; with custom sizes, N capped at the largest.
    static func overStepsPlans(quick: Bool, sweep: SweepPlan, customSizes: Bool) -> [OverStepsPlan] {
        (quick ? OverStepsPlan.quick() : OverStepsPlan.standard()).compactMap { p in
            guard let sizes = sweep.sizes[p.model], let largest = sizes.max() else { return nil }
            return try? OverStepsPlan(model: p.model, size: customSizes ? min(p.size, largest) : p.size, steps: p.steps, shape: p.shape)
        }
    }
}
