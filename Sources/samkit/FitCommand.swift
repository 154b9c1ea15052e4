import ArgumentParser
import Foundation
import Profiling

/// `samkit fit`: fit complexity classes to a measurements file and write the report.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit", abstract: "Fit asymptotic complexity classes to profile measurements and write the report.",
        discussion: """
            Reads a measurements.json written by `samkit profile`; writes OUT/scaling.json (every raw \
            measurement and every fit), OUT/plots/*.png (gnuplot) and OUT/scaling.md, each atomically. \
            \(ExitConvention.help)
            """)

    @Argument(help: "The measurements file written by `samkit profile`.")
    var measurements: String

    @Option(help: "Output folder.")
    var out = "reports"

    func run() throws {
        let set: MeasurementSet
        do {
            try OutputPath.check(out, option: "--out", as: .folder)
            set = try MeasurementSet.load(from: URL(fileURLWithPath: measurements))
            try checkFittable(set)
        } catch { fail("fit", error) }
        try writeReport(set, folder: URL(fileURLWithPath: out), command: "fit")
    }
}

/// At least one model must have the sizes a fit needs.
func checkFittable(_ set: MeasurementSet) throws(ProfilingError) {
    let counts = ProfiledModel.allCases.map { Set(set.measurements(of: $0).map(\.size)).count }
    let best = counts.max() ?? 0
    if best < SweepPlan.minimumSizes { throw .tooFewSizes(found: best, required: SweepPlan.minimumSizes) }
}

/// Fits, writes the report folder and prints the claims summary on stdout.
func writeReport(_ set: MeasurementSet, folder: URL, command: String) throws {
    let report = ScalingAnalyser().analyse(set)
    let written: (files: [String], warning: String?)
    do { written = try ReportWriter(folder: folder).write(report) } catch { fail(command, error) }
    if let warning = written.warning {
        FileHandle.standardError.write(Data("samkit \(command): warning: no plots: \(warning)\n".utf8))
    }
    print("Wrote \(written.files.map { folder.appendingPathComponent($0).path }.joined(separator: ", "))")
    print("")
    print("| model | metric | claim | chosen (runner-up, ΔBIC) | log-log slope [95% CI] | verdict |")
    print("|---|---|---|---|---|---|")
    for c in report.claims {
        guard let a = report.fit(c.model, c.metric)?.analysis else {
            print("| \(c.model.label) | \(c.metric.rawValue) | \(c.claim) | no fit | | — |")
            continue
        }
        let s = a.slope
        print(String(format: "| %@ | %@ | %@ | %@ (%@, Δ = %.1f) | %.3f [%.3f, %.3f] | %@ |",
                     c.model.label, c.metric.rawValue, c.claim, a.selection.chosen.rawValue,
                     a.selection.runnerUp.rawValue, a.selection.delta, s.slope, s.lower, s.upper,
                     c.confirmed == true ? "confirmed" : "NOT confirmed"))
    }
    if !report.ratios.isEmpty {
        print("")
        print("DAM / SAM time per step at the same N:")
        for r in report.ratios where r.size == report.ratios.filter({ $0.sparse == r.sparse }).map(\.size).max() {
            print(String(format: "  N = %d: DAM %.3g s, %@ %.3g s, ratio %.1f×", r.size, r.damSeconds, r.sparse.label, r.samSeconds, r.ratio))
        }
    }
}
