import ArgumentParser
import Foundation
import Profiling
import ComplexityFit
import OutputFiles

/// `samkit fit`: fit complexity classes to a measurements file and write the report.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit", abstract: "Fit asymptotic complexity classes to profile measurements and write the report.",
        discussion: """
            Reads a measurements.json written by `samkit profile` and validates it (a bad value, an \
            unknown format version, unequal replicate counts, a repeated (model, N): named error, exit 2). \
            Writes OUT/scaling.json (every raw measurement and every fit), OUT/plots/*.png (gnuplot) and \
            OUT/scaling.md into a staging folder beside OUT that replaces OUT whole; a second run into the \
            same OUT is refused. Each claim's verdict is confirmed, contradicted or inconclusive \
            (Proofs/complexity-fit.md §7). Exit 0 on success, 1 with --strict when a claim is not \
            confirmed (or with --validate when a target is missed), 2 on bad input. \
            \(ExitConvention.help)
            """)

    @Argument(help: "The measurements file written by `samkit profile` (not with --validate).")
    var measurements: String?

    @Option(help: "Output folder.")
    var out = "reports"

    @Flag(help: "Exit 1 when any claim is contradicted or inconclusive (noisy rows are inconclusive).")
    var strict = false

    @Flag(help: "Instead of fitting measurements, validate the fitter on seeded synthetic series (every class under its noise model, cache steps, L2/L3 jumps, heavy-tailed noise and outliers) and write OUT/fit-validation.md and OUT/fit-validation.json. Exit 1 if a target is missed.")
    var validate = false

    @Option(help: "With --validate: series per design × class × scenario (1...10000; default 50).")
    var series: Int?

    @Option(help: "With --validate: the random seed (default 368925).")
    var seed: UInt64?

    @Option(help: "With --validate: where the verdict rule may place cache steps (Proofs/complexity-fit.md §7a): none, anywhere:M (up to M in 0...3 steps between any two sizes; the fitter's default is anywhere:2) or known (the synthetic L2/L3 boundaries).")
    var cacheSteps: String?

    func run() throws {
        try refuseIgnoredOptions()
        if validate { return try runValidation() }
        guard let measurements else {
            fail("fit", ValidationError("a measurements file is required (or --validate)"))
        }
        let set: MeasurementSet
        let transaction: ReportTransaction
        let frontier: FrontierRecord?
        do {
            try OutputPath.check(out, option: "--out", as: .folder)
            set = try MeasurementSet.load(from: URL(fileURLWithPath: measurements))
            try checkFittable(set)
            frontier = try existingFrontier(in: out)
            TerminationCleanup.shared.install()
            transaction = try ReportTransaction(target: URL(fileURLWithPath: out))
        } catch { fail("fit", error) }
        let report = try writeReport(set, transaction: transaction, command: "fit", frontier: frontier)
        if strict && !report.allConfirmed { throw ExitCode(1) }
    }
}

extension FitCommand {
    /// An option that the chosen mode would ignore is a usage error (exit 2), never silently dropped.
    func refuseIgnoredOptions() throws {
        if validate {
            if let measurements {
                fail("fit", ValidationError("the measurements file '\(measurements)' is not read with --validate; give one or the other"))
            }
            return
        }
        let validationOnly = [("--series", series != nil), ("--seed", seed != nil), ("--cache-steps", cacheSteps != nil)]
        if let (name, _) = validationOnly.first(where: { $0.1 }) {
            fail("fit", ValidationError("\(name) applies only with --validate; without it, fit reads a measurements file"))
        }
    }

    func runValidation() throws {
        let series = self.series ?? 50
        let seed = self.seed ?? 0x5A11D
        guard (1...10_000).contains(series) else {
            fail("fit", ProfilingError.optionOutOfRange(name: "series", value: "\(series)", valid: "1...10000"))
        }
        var options = FitOptions()
        if let cacheSteps {
            let known = CacheStepPlacement.atSizes(SyntheticScenario.cacheBoundaries)
            let placement = cacheSteps == "known" ? known : CacheStepPlacement(name: cacheSteps)
            let valid: Bool
            switch placement {
            case .anywhere(let m)?: valid = (0...3).contains(m)
            case .off?, .atSizes?: valid = true
            case nil: valid = false
            }
            guard valid, let placement else {
                fail("fit", ProfilingError.optionOutOfRange(name: "cache-steps", value: cacheSteps, valid: "none, anywhere:0...3 or known"))
            }
            options.cacheSteps = placement
        }
        let progress = ProgressLine()
        let validation = FitValidation(seriesPerCell: series, seed: seed, options: options)
        let result: FitValidation.Result
        do {
            result = try validation.run { done, total in progress.show("validating the fitter: cell \(done)/\(total)") }
        } catch { fail("fit", error) }
        progress.finish()
        let folder = URL(fileURLWithPath: out)
        let command = "samkit fit --validate --series \(series) --seed \(seed)" + (cacheSteps.map { " --cache-steps \($0)" } ?? "")
        do {
            // Through the report folder's transaction, so it never races a `report` swapping the folder.
            TerminationCleanup.shared.install()
            try ReportTransaction(target: folder).write { staging in
                try AtomicFile.write(result.markdown(command: command), to: staging.appendingPathComponent("fit-validation.md"))
                try AtomicFile.writeJSON(result, to: staging.appendingPathComponent("fit-validation.json"))
            }
        } catch { fail("fit", error) }
        for cls in ComplexityClass.allCases {
            let r = result.rate(cls)
            print("\(cls): \(r.correct)/\(r.series) correct or indistinguishable")
        }
        print("series growing more than 3× called O(1): \(result.largeGrowthCalledConstant)")
        print("targets \(result.meetsTargets ? "met" : "NOT met"); wrote \(folder.appendingPathComponent("fit-validation.md").path)")
        if !result.meetsTargets { throw ExitCode(1) }
    }
}

/// The frontier file (`index-frontier.json`, from `samkit index-bench --frontier`) already in the report
/// folder `out`, for the Headline's row 7; nil when there is none. Read before any long work, so that a
/// corrupt file stops the command at once (exit 2) instead of after the sweep.
func existingFrontier(in out: String) throws(ProfilingError) -> FrontierRecord? {
    let url = URL(fileURLWithPath: out).appendingPathComponent(FrontierRecord.fileName)
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    return try FrontierRecord.load(from: url)
}

/// At least one model must have the sizes a fit needs.
func checkFittable(_ set: MeasurementSet) throws(ProfilingError) {
    let counts = ProfiledModel.allCases.map { Set(set.measurements(of: $0).map(\.size)).count }
    let best = counts.max() ?? 0
    if best < SweepPlan.minimumSizes { throw .tooFewSizes(found: best, required: SweepPlan.minimumSizes) }
}

/// Fits, writes the report into the transaction's staging folder (with measurements.json when
/// `includeMeasurements`), swaps it in, and prints the verdict table on stdout.
@discardableResult
func writeReport(_ set: MeasurementSet, transaction: ReportTransaction, command: String,
                 includeMeasurements: Bool = false, overSteps: OverStepsResult? = nil,
                 frontier: FrontierRecord? = nil) throws -> ScalingReport {
    var report = ScalingAnalyser().analyse(set)
    report.overSteps = overSteps
    report.frontier = frontier
    let written: (files: [String], warning: String?)
    do {
        written = try transaction.write { staging in
            if includeMeasurements { try AtomicFile.write(set.encoded(), to: staging.appendingPathComponent("measurements.json")) }
            return try ReportWriter(folder: staging).write(report)
        }
    } catch { fail(command, error) }
    let folder = transaction.target
    if let warning = written.warning {
        FileHandle.standardError.write(Data("samkit \(command): warning: no plots: \(warning)\n".utf8))
    }
    let files = (includeMeasurements ? ["measurements.json"] : []) + written.files
    print("Wrote \(files.map { folder.appendingPathComponent($0).path }.joined(separator: ", "))")
    print("")
    let warning = MarkdownReport.noiseWarning(report)
    if !warning.isEmpty { FileHandle.standardError.write(Data("samkit \(command): warning: \(warning)".utf8)) }
    print(MarkdownReport.claimsTable(report))
    for f in report.fits where f.analysis == nil {
        print("no fit for \(f.model.rawValue) \(f.metric.rawValue): \(f.error ?? "unknown reason")")
    }
    if !report.ratios.isEmpty {
        print("")
        print("DAM / SAM time per step at the same N:")
        for r in report.ratios where r.size == report.ratios.filter({ $0.sparse == r.sparse }).map(\.size).max() {
            print("  N = \(r.size): DAM \(NumberFormat.seconds(r.damSeconds)), \(r.sparse.label) \(NumberFormat.seconds(r.samSeconds)), ratio \(NumberFormat.significant(r.ratio, 2))×")
        }
    }
    return report
}
