import ArgumentParser
import Foundation
import OutputFiles
import Profiling

/// `samkit report`: the default sweep, then the fits and the report.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Profile and fit: write the scaling report.",
        discussion: """
            Default sweep: DAM at N = 2^8...2^16, SAM with each index (exact, k-d forest, LSH) at \
            N = 2^10...2^20, factors of 2; W = 32, R = 4, K = 4, H = 100; T = 8 steps per segment, \
            2 warm-up and 9 timed segments; single-threaded, each (model, N) in a fresh process. \
            --quick: DAM to 2^13, SAM to 2^16, T = 4, 1 warm-up and 5 timed segments. \
            Writes OUT/measurements.json, OUT/scaling.json, OUT/plots/*.png and OUT/scaling.md. \
            \(ExitConvention.help)
            """)

    @Flag(help: "A smaller sweep that finishes in under 2 minutes.")
    var quick = false

    @Option(help: "Output folder.")
    var out = "reports"

    @Option(help: "Only these models (comma-separated: dam, sam-exact, sam-kdtree, sam-lsh).")
    var models: String?

    @Option(help: "Seconds after which one (model, N) worker is killed and recorded as failed.")
    var timeout: Double = 300

    func run() throws {
        var plan = quick ? SweepPlan.quick() : SweepPlan.standard()
        do {
            if !(1...86_400).contains(timeout) {
                throw ProfilingError.optionOutOfRange(name: "timeout", value: "\(timeout)", valid: "1...86400 seconds")
            }
            if let models {
                let list = try ProfiledModel.parseList(models)
                plan = try SweepPlan(sizes: plan.sizes.filter { list.contains($0.key) }, steps: plan.steps,
                                     repeats: plan.repeats, warmup: plan.warmup, shape: plan.shape)
            }
            try OutputPath.check(out, option: "--out", as: .folder)
        } catch { fail("report", error) }
        let folder = URL(fileURLWithPath: out)
        let set = Sweep(plan: plan, runner: try workerRunner(timeout: timeout)).run()
        summarise(set)
        do {
            try AtomicFile.write(set.encoded(), to: folder.appendingPathComponent("measurements.json"))
            try checkFittable(set)
        } catch { fail("report", error) }
        try writeReport(set, folder: folder, command: "report")
    }
}
