import ComplexityFit
import Foundation
import OutputFiles

/// Draws the scaling plots with gnuplot (Debian `gnuplot-nox`): one PNG per metric, log-log, every
/// model: per-size medians with their interquartile range as error bars, the chosen class's fitted
/// curve, and its 95% prediction band over the extrapolated sizes (beyond the last measured N).
public struct GnuplotPlotter: Sendable {
    /// The gnuplot executable.
    public let executable: String

    /// A plotter running `executable`.
    public init(executable: String = "gnuplot") { self.executable = executable }

    /// Whether gnuplot can be run.
    public var isAvailable: Bool { MachineInfo.run([executable, "--version"]) != nil }

    /// Colour per model (the registry's).
    static var colours: [ProfiledModel: String] {
        Dictionary(uniqueKeysWithValues: ProfiledModel.allCases.map { ($0, $0.variant.colour) })
    }
    /// Point type, point size and dash type per model (the registry's): filled circle, then open square,
    /// triangle and diamond of decreasing size, so series that coincide stay visible as nested markers.
    static var styles: [ProfiledModel: (point: Int, size: Double, dash: Int)] {
        Dictionary(uniqueKeysWithValues: ProfiledModel.allCases.map { m in
            let s = m.variant.style
            return (m, (s.point, s.size, s.dash))
        })
    }

    /// Groups of models whose medians of `metric` agree within 0.1% at every size they share
    /// (e.g. the three SAM record-bytes lines); the plots and the report name them.
    public static func coinciding(_ metric: Metric, in report: ScalingReport) -> [[ProfiledModel]] {
        func medians(_ m: ProfiledModel) -> [Int: Double] {
            Dictionary(report.measurements.measurements(of: m).compactMap { x in
                metric.replicates(x).map { (x.size, Statistics.median($0)) } }, uniquingKeysWith: { a, _ in a })
        }
        var groups: [[ProfiledModel]] = []
        for model in ProfiledModel.allCases {
            let mine = medians(model)
            guard !mine.isEmpty else { continue }
            if let i = groups.firstIndex(where: { group in
                let other = medians(group[0])
                let shared = Set(mine.keys).intersection(other.keys)
                return shared.count >= 2 && shared.allSatisfy { abs(mine[$0]! - other[$0]!) <= 1e-3 * abs(other[$0]!) }
            }) { groups[i].append(model) } else { groups.append([model]) }
        }
        return groups.filter { $0.count > 1 }
    }

    /// "SAM (exact), SAM (k-d forest) and SAM (LSH) coincide" for each group, or nil.
    public static func coincidenceNote(_ metric: Metric, in report: ScalingReport) -> String? {
        let groups = coinciding(metric, in: report)
        guard !groups.isEmpty else { return nil }
        return groups.map { g in
            let names = g.map(\.label)
            return names.dropLast().joined(separator: ", ") + " and " + names.last! + " coincide"
        }.joined(separator: "; ") + " (drawn as nested markers)"
    }

    /// The file name of a metric's plot, relative to the report folder.
    public static func fileName(_ metric: Metric) -> String { "plots/\(metric.rawValue).png" }

    /// Draws every metric's plot into `folder/plots/`, each PNG written under a temporary name and
    /// renamed into place. Returns the relative paths written.
    public func draw(_ report: ScalingReport, into folder: URL) throws(ProfilingError) -> [Metric: String] {
        try withWorkFolder { work throws(ProfilingError) in try draw(report, into: folder, work: work) }
    }

    func draw(_ report: ScalingReport, into folder: URL, work: URL) throws(ProfilingError) -> [Metric: String] {
        var written: [Metric: String] = [:]
        for metric in Metric.allCases {
            let series = report.fits.filter { $0.metric == metric && !$0.sizes.isEmpty }
            guard !series.isEmpty else { continue }
            let target = folder.appendingPathComponent(Self.fileName(metric))
            let temporary = AtomicFile.temporaryURL(for: target)
            let script = try self.script(metric, series, report: report, work: work, output: temporary)
            try render(script, name: metric.rawValue, temporary: temporary, target: target, work: work)
            written[metric] = Self.fileName(metric)
        }
        return written
    }

    /// Runs gnuplot on `script` (which writes `temporary`) and moves the PNG to `target`.
    func render(_ script: String, name: String, temporary: URL, target: URL, work: URL) throws(ProfilingError) {
        do { try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true) } catch {
            throw .plotFailed(reason: "cannot create \(target.deletingLastPathComponent().path)")
        }
        try run(script, named: name, in: work, output: temporary)
        do { try AtomicFile.move(temporary, to: target) } catch { throw ProfilingError(writing: target.path, error) }
    }

    /// A fresh temporary folder for gnuplot's inputs, removed by `body`'s end (or on SIGINT/SIGTERM).
    func withWorkFolder<T>(_ body: (URL) throws(ProfilingError) -> T) throws(ProfilingError) -> T {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("samkit-plots-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do { try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true) } catch {
            throw .plotFailed(reason: "cannot create \(work.path): \(error.localizedDescription)")
        }
        let cleanupToken = TerminationCleanup.shared.add { try? FileManager.default.removeItem(at: work) }
        defer {
            try? FileManager.default.removeItem(at: work)
            TerminationCleanup.shared.remove(cleanupToken)
        }
        return try body(work)
    }

    /// Runs gnuplot on `script` (saved as `work/name.gp`), which writes its image to `output`.
    /// - Throws: `ProfilingError.plotFailed` if gnuplot cannot run, fails, or writes no `output`
    ///   (then `output` is removed).
    public func run(_ script: String, named name: String, in work: URL, output: URL) throws(ProfilingError) {
        let scriptURL = work.appendingPathComponent("\(name).gp")
        try save(script, scriptURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable, scriptURL.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw .plotFailed(reason: "cannot run \(executable): \(error.localizedDescription)")
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: output.path) else {
            try? FileManager.default.removeItem(at: output)
            throw .plotFailed(reason: "status \(process.terminationStatus) for \(name): \(message.prefix(500))")
        }
    }

    /// Runs the gnuplot script `script(output)` (written to `work/name.gp`), which draws into a
    /// temporary file that is then renamed to `target`: the target is either the old or the whole new plot.
    public func plot(target: URL, work: URL, name: String,
                     script: (URL) throws(ProfilingError) -> String) throws(ProfilingError) {
        let temporary = AtomicFile.temporaryURL(for: target)
        try render(try script(temporary), name: name, temporary: temporary, target: target, work: work)
    }

    func script(_ metric: Metric, _ series: [SeriesFit], report: ScalingReport, work: URL,
                output: URL) throws(ProfilingError) -> String {
        var plots: [String] = []
        for s in series {
            let colour = Self.colours[s.model] ?? "#000000"
            let style = Self.styles[s.model] ?? (7, 0.8, 1)
            let name = "\(s.model.rawValue)-\(metric.rawValue)"
            // Points: N, median, first and third quartile.
            let measured = report.measurements.measurements(of: s.model)
            var points = "# N median q1 q3\n"
            for m in measured {
                guard let v = metric.replicates(m) else { continue }
                points += "\(m.size) \(Statistics.median(v)) \(Statistics.quantile(v, 0.25)) \(Statistics.quantile(v, 0.75))\n"
            }
            let pointsURL = work.appendingPathComponent("\(name).points")
            try save(points, pointsURL)
            if let analysis = s.analysis, !s.curve.isEmpty {
                var curve = "# N value lower upper\n", band = "# N value lower upper (extrapolated)\n"
                let lastMeasured = s.sizes.max() ?? 0
                for p in s.curve {
                    guard p.value > 0 else { continue }
                    let lower = max(p.lower, p.value * 0.01)
                    curve += "\(p.size) \(p.value) \(lower) \(p.upper)\n"
                    if p.size >= lastMeasured { band += "\(p.size) \(p.value) \(lower) \(p.upper)\n" }
                }
                let curveURL = work.appendingPathComponent("\(name).curve")
                let bandURL = work.appendingPathComponent("\(name).band")
                try save(curve, curveURL)
                try save(band, bandURL)
                plots.append("'\(bandURL.path)' using 1:3:4 with filledcurves lc rgb '\(colour)' fs transparent solid 0.15 noborder notitle")
                plots.append("'\(curveURL.path)' using 1:2 with lines lc rgb '\(colour)' lw 2 dt \(style.dash) title '\(s.model.label) fit: \(analysis.selection.chosen)'")
            }
            plots.append("'\(pointsURL.path)' using 1:2:3:4 with yerrorbars pt \(style.point) ps \(style.size) lc rgb '\(colour)' title '\(s.model.label) median (IQR)'")
        }
        let ylabel = metric.isTime ? "\(metric.label) (s)" : "\(metric.label) (bytes)"
        let note = Self.coincidenceNote(metric, in: report).map { "set bmargin 6\nset label 1 'note: \($0)' at screen 0.01, screen 0.02 font ',9'" } ?? ""
        return """
            set terminal pngcairo size 1100,700 enhanced font 'DejaVu Sans,10'
            set output '\(output.path)'
            set title "\(metric.label), log-log, single-threaded\\n{/*0.85 shaded: 95% prediction band from the last measured N on}"
            set tmargin 5
            \(note)
            set logscale x 2
            set logscale y 10
            set format x '2^{%L}'
            set format y '10^{%L}'
            set xlabel 'memory words N'
            set ylabel '\(ylabel)'
            set key outside right top box
            set grid xtics ytics mytics
            plot \(plots.joined(separator: ", \\\n     "))

            """
    }

    func save(_ text: String, _ url: URL) throws(ProfilingError) {
        do { try text.write(to: url, atomically: true, encoding: .utf8) } catch {
            throw .plotFailed(reason: "cannot write \(url.path)")
        }
    }
}
