import ComplexityFit
import Foundation
import OutputFiles

/// The paper's own figures, each with its citation (Rae et al., "Scaling Memory-Augmented Neural
/// Networks with Sparse Reads and Writes", NeurIPS 2016; SPEC "Figures from the paper"). Never a
/// measurement of ours.
public enum PaperFigures {
    /// The short citation shown beside the paper's figures.
    public static let citation = "Rae et al., NeurIPS 2016"
    /// Fig. 1a: one forward+backward step at N = 1,000,000: SAM (k-d forest, 4 trees, 32 checks)
    /// 7 ms for a minibatch of 8 (≈ 0.9 ms per sequence), the NTM 12 s.
    public static let samStepSeconds = 7e-3
    /// Fig. 1a: the minibatch of SAM's 7 ms step, sequences.
    public static let minibatch = 8
    /// Fig. 1a: the NTM's forward+backward step at N = 1,000,000, seconds.
    public static let ntmStepSeconds = 12.0
    /// Fig. 1a: NTM ÷ SAM time per step at N = 10^6.
    public static let speedup = 1_600.0
    /// Fig. 1b: memory to train over 100 steps at N = 64,000, excluding initialisation.
    public static let memorySteps = 100
    /// Fig. 1b: N, memory words.
    public static let memoryWords = 64_000
    /// Fig. 1b: the NTM's memory over the 100 steps, bytes (29 GiB).
    public static let ntmMemoryBytes = 29.0 * 1024 * 1024 * 1024
    /// Fig. 1b: SAM's memory over the 100 steps, bytes (7.8 MiB).
    public static let samMemoryBytes = 7.8 * 1024 * 1024
}

/// The report section "Memory over steps (the paper's Fig. 1b)" and its plot.
public enum OverStepsReport {
    /// The plot's path, relative to the report's folder.
    public static let plotFile = "plots/memory-over-steps.png"
    /// The section's default heading.
    public static let title = "## Memory over steps (the paper's Fig. 1b)"

    static func bytes(_ v: Double) -> String { NumberFormat.bytes(v) }

    /// "O(T)" for the class O(N): the fit's size variable is T here.
    static func inT(_ cls: ComplexityClass) -> String { cls.rawValue.replacingOccurrences(of: "N", with: "T") }

    /// The markdown section; `result` nil: the section says it was not run.
    public static func section(_ result: OverStepsResult?, plot: String?, plotNote: String?, heading: String = title) -> String {
        var md = heading + "\n\n"
        guard let result else { return md + "Not measured in this run.\n\n" }
        md += """
            Each model trains (forward, then backward) over one episode of T steps; the growth is the \
            peak resident memory (VmHWM, reset when the episode starts) above the resident memory once \
            the model was built and every episode drawn (VmRSS after returning the free heap to the \
            kernel), i.e. excluding initialisation as in the paper. \
            \(result.processPerEpisode ? "Each T ran in a fresh process." : "Each model's T ran in one process, in ascending order, the model reset to M_0 between them; memory kept from a smaller T still counts against the baseline, so the growth is never under-counted.") \
            The fit is the report's GSL fit (`ComplexityFitter`) of peak resident memory against T: a + b·T, b the growth per step; \
            "linear in T" is judged by the report's verdict rule. Resident memory is not timing: it does not depend on the machine's load. \
            Took \(ProgressLine.duration(result.seconds)).


            """
        if let plot { md += "![peak resident memory against T](\(plot))\n\n" } else if let plotNote { md += "_No plot: \(plotNote)._\n\n" }
        md += "| model | N | T | resident before (baseline) | at the episode's start | peak | growth | growth per step | backward record per step |\n"
        md += "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        for s in result.series {
            for p in s.points {
                md += "| \(s.plan.model.label) | \(s.plan.size) | \(p.steps) | \(bytes(Double(p.baselineResidentBytes))) | \(bytes(Double(p.startResidentBytes))) | \(bytes(Double(p.peakResidentBytes))) | \(bytes(Double(p.growthBytes))) | \(bytes(p.growthPerStep)) | \(bytes(Double(p.recordBytes) / Double(p.steps))) |\n"
            }
        }
        for s in result.series where s.failed {
            let rest = s.plan.steps.filter { s.point(steps: $0) == nil }.map(String.init).joined(separator: ", ")
            md += "| \(s.plan.model.label) | \(s.plan.size) | \(rest) | \(s.note?.replacingOccurrences(of: "|", with: "\\|") ?? "failed") | | | | | |\n"
        }
        md += "\n" + fits(result) + sideBySide(result)
        return md
    }

    static func fits(_ result: OverStepsResult) -> String {
        var md = ""
        for s in result.series where !s.failed {
            guard let fit = s.fit else {
                md += "- \(s.plan.model.label) at N = \(s.plan.size): \(s.note ?? "no fit").\n"
                continue
            }
            let a = fit.analysis, v = fit.linearVerdict
            let b = fit.growthPerStep.map { "\(bytes($0.value)) ± \(bytes($0.standardError)) per step" } ?? "—"
            md += "- \(s.plan.model.label) at N = \(s.plan.size), T = \(s.plan.steps.map(String.init).joined(separator: ", ")): "
            md += "linear fit a + b·T: b = \(b); chosen class \(inT(a.selection.chosen)) (runner-up \(inT(a.selection.runnerUp)), ΔBIC \(NumberFormat.fixed(a.selection.delta, 1))); "
            md += "log-log slope \(NumberFormat.fixed(a.slope.slope)) [\(NumberFormat.fixed(a.slope.lower)), \(NumberFormat.fixed(a.slope.upper))]; "
            md += "linear in T: **\(v.outcome.rawValue)** (\(v.reason.replacingOccurrences(of: "N", with: "T"))).\n"
        }
        return md.isEmpty ? "" : md + "\n"
    }

    /// Growth over the paper's 100 steps: ours beside the paper's NTM and SAM.
    static func sideBySide(_ result: OverStepsResult) -> String {
        let t = PaperFigures.memorySteps
        let dam = result.series(.dam).flatMap { s in s.point(steps: t).map { (s, $0) } }
        let sam = result.series.first { $0.plan.model.isSparse && $0.point(steps: t) != nil }
            .flatMap { s in s.point(steps: t).map { (s, $0) } }
        guard dam != nil || sam != nil else { return "" }
        var md = "Over \(t) steps, beside the paper's Fig. 1b (N = \(PaperFigures.memoryWords), \(PaperFigures.citation)):\n\n"
        md += "| | this run | the paper |\n|---|---:|---:|\n"
        if let (s, p) = dam {
            md += "| dense: \(s.plan.model.label) at N = \(s.plan.size) (paper: NTM) | \(bytes(Double(p.growthBytes))) | \(bytes(PaperFigures.ntmMemoryBytes)) |\n"
        }
        if let (s, p) = sam {
            md += "| sparse: \(s.plan.model.label) at N = \(s.plan.size) (paper: SAM) | \(bytes(Double(p.growthBytes))) | \(bytes(PaperFigures.samMemoryBytes)) |\n"
        }
        if let (_, d) = dam, let (_, s) = sam, s.growthBytes > 0 {
            md += "| dense ÷ sparse | \(Headline.times(Double(d.growthBytes) / Double(s.growthBytes))) | \(Headline.times(PaperFigures.ntmMemoryBytes / PaperFigures.samMemoryBytes)) |\n"
        }
        return md + "\n"
    }
}

extension GnuplotPlotter {
    /// Draws peak resident memory against T (log-log), one series per model, with SAM's linear fit.
    /// Returns the relative path written, nil when no series has points.
    public func drawOverSteps(_ result: OverStepsResult, into folder: URL) throws(ProfilingError) -> String? {
        let series = result.series.filter { !$0.points.isEmpty }
        guard !series.isEmpty else { return nil }
        return try withWorkFolder { work throws(ProfilingError) in
            var plots: [String] = []
            for s in series {
                let colour = Self.colours[s.plan.model] ?? "#000000"
                let style = Self.styles[s.plan.model] ?? (7, 0.8, 1)
                let name = "\(s.plan.model.rawValue)-\(s.plan.size)"
                let pointsURL = work.appendingPathComponent("\(name).points")
                try save("# T peak growth\n" + s.points.map { "\($0.steps) \($0.peakResidentBytes) \(max($0.growthBytes, 1))\n" }.joined(), pointsURL)
                let label = "\(s.plan.model.label), N = \(s.plan.size)"
                plots.append("'\(pointsURL.path)' using 1:($2/1048576) with linespoints pt \(style.point) ps \(style.size) lc rgb '\(colour)' title '\(label): peak'")
                plots.append("'\(pointsURL.path)' using 1:($3/1048576) with linespoints pt \(style.point) ps \(style.size) dt 2 lc rgb '\(colour)' title '\(label): growth over the baseline'")
                if let fit = s.fit, let b = fit.growthPerStep, let a = fit.analysis.fit(for: .linear)?.weighted.intercept {
                    plots.append("(\(a.value) + \(b.value) * x) / 1048576 lc rgb '\(colour)' dt \(style.dash) lw 1 title 'linear fit: \(NumberFormat.bytes(b.value)) per step'")
                }
            }
            let target = folder.appendingPathComponent(OverStepsReport.plotFile)
            let temporary = AtomicFile.temporaryURL(for: target)
            let lowest = series.flatMap(\.plan.steps).min()!, highest = series.flatMap(\.plan.steps).max()!
            let script = """
                set terminal pngcairo size 1100,700 enhanced font 'DejaVu Sans,10'
                set output '\(temporary.path)'
                set title "Resident memory over T steps of training (forward + backward), single-threaded\\n{/*0.85 the paper's Fig. 1b}"
                set logscale x 10
                set logscale y 10
                set xrange [\(Double(lowest) / 2):\(Double(highest) * 2)]
                set xlabel 'steps T'
                set ylabel 'resident memory (MiB)'
                set key below box
                set grid xtics ytics mytics
                set samples 200
                plot \(plots.joined(separator: ", \\\n     "))

                """
            try render(script, name: "memory-over-steps", temporary: temporary, target: target, work: work)
            return OverStepsReport.plotFile
        }
    }
}
