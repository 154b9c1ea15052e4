import ComplexityFit
import Foundation
import SAMNumerics

/// The report's performance sections of issue 14: SAM against the bare controller, DAM against the
/// BLAS roofline, and where the bytes go at the largest N. Every figure comes from the measurement set.
extension MarkdownReport {
    /// SAM's median step time over the bare controller's, at each N both were measured at.
    func controllerRatios() -> String {
        let set = report.measurements
        let controller = Dictionary(set.measurements(of: .controller).map { ($0.size, Statistics.median($0.stepSeconds)) },
                                    uniquingKeysWith: { a, _ in a })
        guard !controller.isEmpty else { return "" }
        let sparse = ProfiledModel.allCases.filter { $0.isSparse && !set.measurements(of: $0).isEmpty }
        var md = "## SAM / bare controller time per step, in the same run\n\n"
        md += "Median forward + backward time per step; the controller is SAM's LSTM, interface and output layers without memory (Proofs/complexity-claims.md C1).\n\n"
        md += "| N | controller | " + sparse.map { "\($0.label) | ÷ controller" }.joined(separator: " | ") + " |\n"
        md += "|---:|---:|" + sparse.map { _ in "---:|---:" }.joined(separator: "|") + "|\n"
        for n in controller.keys.sorted() {
            let c = controller[n]!
            md += "| \(n) | \(Metric.stepTime.format(c)) | " + sparse.map { m in
                guard let s = set.measurements(of: m).first(where: { $0.size == n }) else { return "— | —" }
                let t = Statistics.median(s.stepSeconds)
                return "\(Metric.stepTime.format(t)) | \(Self.g(t / c))×"
            }.joined(separator: " | ") + " |\n"
        }
        return md + "\n"
    }

    /// DAM's achieved GFLOP/s against the single-thread BLAS rate for its shapes, measured in the
    /// same worker (`DenseRoofline`).
    func roofline() -> String {
        let rows = report.measurements.measurements(of: .dam).compactMap { m in m.roofline.map { (m, $0) } }
        guard !rows.isEmpty else { return "" }
        var md = "## DAM against the BLAS roofline (single thread)\n\n"
        md += "DAM's flops per step are counted as (18·R + 6)·N·W (its 9 R x N x W gemms and 3 row passes; `DenseRoofline`); "
        md += "achieved = flops ÷ median step time. The BLAS rates are the best of three runs of DAM's gemm shapes (and the same products as R gemv/ger calls) on N x W data in the DAM worker, after its timed segments.\n\n"
        md += "| N | DAM step | DAM GFLOP/s | sgemm GFLOP/s | DAM ÷ sgemm | sgemv GFLOP/s |\n|---:|---:|---:|---:|---:|---:|\n"
        for (m, r) in rows {
            let step = Statistics.median(m.stepSeconds), achieved = r.achievedGFLOPS(stepSeconds: step)
            md += "| \(m.size) | \(Metric.stepTime.format(step)) | \(Self.g(achieved)) | \(Self.g(r.gemmGFLOPS)) | "
            md += "\(Self.g(100 * achieved / r.gemmGFLOPS))% | \(Self.g(r.gemvGFLOPS)) |\n"
        }
        return md + "\n"
    }

    /// For each model, at its largest N: the bytes each part holds (`MemoryAccounting`), their sum,
    /// and the measured peak RSS (VmHWM over the timed segments, and at the end of setup).
    func memoryAccount() -> String {
        let set = report.measurements
        let largest = ProfiledModel.allCases.compactMap { m in set.measurements(of: m).last { $0.memoryAccount != nil } }
        guard !largest.isEmpty else { return "" }
        func mib(_ bytes: Int) -> String { Self.f(Double(bytes) / 1_048_576, 1) }
        var md = "## Where the bytes go, at each model's largest N\n\n"
        md += "Bytes each part of the model holds after a timed segment's backward (allocated and written, from the model's own buffers; FLANN's trees as `flann_used_memory` reports them), "
        md += "against the peak resident set of the same worker. The rest is the Swift runtime, the binary and its libraries, the allocator's slack and FLANN's per-search buffers.\n\n"
        for m in largest {
            let account = m.memoryAccount!, total = account.reduce(0) { $0 + $1.bytes }
            md += "**\(m.model.label), N = \(m.size)**\n\n| part | MiB | share of peak |\n|---|---:|---:|\n"
            let peak = max(m.peakResidentBytes ?? 0, m.setupPeakResidentBytes ?? 0)
            func share(_ b: Int) -> String { peak > 0 ? "\(Self.f(100 * Double(b) / Double(peak), 1))%" : "—" }
            for e in account where e.bytes > 0 { md += "| \(e.part) | \(mib(e.bytes)) | \(share(e.bytes)) |\n" }
            md += "| **accounted** | **\(mib(total))** | \(share(total)) |\n"
            if let p = m.setupPeakResidentBytes { md += "| peak RSS at the end of setup (VmHWM) | \(mib(p)) | |\n" }
            if let p = m.peakResidentBytes { md += "| peak RSS over the timed segments (VmHWM) | \(mib(p)) | |\n" }
            if peak > 0 { md += "| not accounted (peak − accounted) | \(mib(peak - total)) | \(share(peak - total)) |\n" }
            md += "\n"
        }
        return md
    }
}
