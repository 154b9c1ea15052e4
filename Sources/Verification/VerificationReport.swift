/// Everything one `samkit verify` run found, with the figures the issue asks to quote.
public struct VerificationReport: Codable, Sendable {
    public let results: [CheckResult]
    public let summary: Summary

    public struct Summary: Codable, Sendable {
        public let checks: Int
        public let failed: Int
        /// Worst norm-wise relative error (per parameter block) over every replay-mode check.
        public let worstReplayRelativeError: Double
        /// Worst error/tolerance ratio over every replay-mode coordinate.
        public let worstReplayExcess: Double
        /// Kinks seen in free mode (coordinates whose perturbation flipped a decision).
        public let freeModeKinks: Int
        /// Coordinates compared in free mode.
        public let freeModeCompared: Int
        public var passed: Bool { failed == 0 }
    }

    public init(results: [CheckResult]) {
        self.results = results
        let replay = results.filter { $0.check == .replay }
        let free = results.filter { $0.check == .free }
        summary = Summary(
            checks: results.count, failed: results.filter { !$0.passed }.count,
            worstReplayRelativeError: replay.map(\.normwiseRelativeError).max() ?? 0,
            worstReplayExcess: replay.compactMap { $0.worst?.excess }.max() ?? 0,
            freeModeKinks: free.reduce(0) { $0 + $1.kinkCount }, freeModeCompared: free.reduce(0) { $0 + $1.compared })
    }

    public var passed: Bool { summary.passed }

    /// One row per (model, check): the case with the worst error/tolerance ratio, and the pass count.
    public var table: String {
        var rows: [[String]] = [["model", "configuration (worst case)", "check", "worst error", "tolerance", "verdict"]]
        var groups: [(ModelKind, CheckKind)] = []
        for r in results where !groups.contains(where: { $0 == (r.verificationCase.model, r.check) }) {
            groups.append((r.verificationCase.model, r.check))
        }
        for (model, check) in groups {
            let group = results.filter { $0.verificationCase.model == model && $0.check == check }
            let failed = group.filter { !$0.passed }
            let worst = (failed.isEmpty ? group : failed).max { ($0.worst?.excess ?? .infinity) < ($1.worst?.excess ?? .infinity) }!
            let kinks = group.reduce(0) { $0 + $1.kinkCount }
            let verdict = (failed.isEmpty ? "pass \(group.count)/\(group.count)" : "FAIL \(failed.count)/\(group.count)")
                + (check == .free ? ", \(kinks) kinks" : "")
            rows.append([model.description, worst.verificationCase.description, check.rawValue,
                         worst.worst.map { format($0.absoluteError) } ?? "-",
                         worst.worst.map { format($0.tolerance.value) } ?? "-", verdict])
        }
        return render(rows)
    }

    /// The figures line: worst replay relative error, free-mode kinks, verdict.
    public var figures: String {
        let s = summary
        return "replay: worst norm-wise relative error \(format(s.worstReplayRelativeError)), worst error/tolerance "
            + "\(format(s.worstReplayExcess)); free: \(s.freeModeKinks) kinks in \(s.freeModeCompared + s.freeModeKinks) "
            + "coordinates; \(s.checks - s.failed)/\(s.checks) checks hold"
    }

    /// Failure reports of every failed check.
    public var failureReports: [String] { results.filter { !$0.passed }.map(FailureReport.text) }
}

/// Left-aligned columns separated by two spaces.
func render(_ rows: [[String]]) -> String {
    let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max()! }
    return rows.map { row in
        row.enumerated().map { c, cell in
            c == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[c] - cell.count)
        }.joined(separator: "  ")
    }.joined(separator: "\n")
}
