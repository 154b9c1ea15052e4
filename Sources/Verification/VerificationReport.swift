/// Everything one `samkit verify` run found, with the figures the issue asks to quote.
public struct VerificationReport: Codable, Sendable {
    /// Every check's result, in the order they ran.
    public let results: [CheckResult]
    /// Counts over the results.
    public let summary: Summary

    /// Counts over a run's results.
    public struct Summary: Codable, Sendable {
        /// Comparisons run, each counted once (a dense comparison of SAM against DAM is one check).
        public let checks: Int
        /// Checks that failed.
        public let failed: Int
        /// Checks that could not judge (`CheckResult.cannotJudge`): neither a pass nor a failure.
        public let cannotJudge: Int
        /// The modes (check kinds) that ran, in `CheckKind` order.
        public let ran: [CheckKind]
        /// SAM's index work over a case's training forward, from the index's own counters: the case with
        /// the most distances per query relative to N (nil when no SAM case ran a finite-difference check).
        public let indexWork: IndexWork?
        /// Worst norm-wise relative error (per parameter block) over every replay-mode check.
        public let worstReplayRelativeError: Double
        /// Worst error/tolerance ratio over every replay-mode coordinate.
        public let worstReplayExcess: Double
        /// Kinks seen in free mode (coordinates whose perturbation flipped a decision).
        public let freeModeKinks: Int
        /// Coordinates compared in free mode.
        public let freeModeCompared: Int
        /// Every check held (none failed, none could not judge).
        public var passed: Bool { failed == 0 && cannotJudge == 0 }
    }

    /// The report of `results`.
    public init(results: [CheckResult]) {
        self.results = results
        let replay = results.filter { $0.check == .replay }
        let free = results.filter { $0.check == .free }
        summary = Summary(
            checks: results.count, failed: results.filter { $0.verdict == .fails }.count,
            cannotJudge: results.filter { $0.verdict == .cannotJudge }.count,
            ran: CheckKind.allCases.filter { k in results.contains { $0.check == k } },
            indexWork: results.compactMap(\.indexWork).max {
                $0.distancesPerQuery / Double($0.memoryWords) < $1.distancesPerQuery / Double($1.memoryWords)
            },
            worstReplayRelativeError: replay.map(\.normwiseRelativeError).max() ?? 0,
            worstReplayExcess: replay.compactMap { $0.worst?.excess }.max() ?? 0,
            freeModeKinks: free.reduce(0) { $0 + $1.kinkCount }, freeModeCompared: free.reduce(0) { $0 + $1.compared })
    }

    /// Every check held.
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
            let failed = group.filter { $0.verdict == .fails }, unjudged = group.filter { $0.verdict == .cannotJudge }
            let worst = (failed.isEmpty ? group : failed).max { ($0.worst?.excess ?? .infinity) < ($1.worst?.excess ?? .infinity) }!
            let kinks = group.reduce(0) { $0 + $1.kinkCount }
            let holds = group.count - failed.count - unjudged.count
            let verdict = (failed.isEmpty ? "pass \(holds)/\(group.count)" : "FAIL \(failed.count)/\(group.count)")
                + (unjudged.isEmpty ? "" : ", CANNOT JUDGE \(unjudged.count)/\(group.count)")
                + (check == .free ? ", \(kinks) kinks" : "")
            let pair = check == .denseEquivalence || check == .maskedEquivalence
            rows.append([pair ? (model == .sdnc ? "SDNC vs dense links" : "SAM vs DAM") : model.description, worst.verificationCase.description, check.rawValue,
                         worst.worst.map { format($0.absoluteError) } ?? "-",
                         worst.worst.map { format($0.tolerance.value) } ?? "-", verdict])
        }
        return render(rows)
    }

    /// The figures line: worst replay relative error and free-mode kinks (for the modes that ran), verdict.
    public var figures: String {
        let s = summary
        var parts: [String] = []
        if s.ran.contains(.replay) {
            parts.append("replay: worst norm-wise relative error \(format(s.worstReplayRelativeError)), worst error/tolerance "
                         + "\(format(s.worstReplayExcess))")
        }
        if s.ran.contains(.free) {
            parts.append("free: \(s.freeModeKinks) kinks in \(s.freeModeCompared + s.freeModeKinks) coordinates")
        }
        if let w = s.indexWork {
            parts.append("index \(w.index): at most \(format(w.distancesPerQuery, digits: 1)) distances per query "
                         + "at N = \(w.memoryWords) (\(w.distanceEvaluations) over \(w.queries) queries, its own counters)")
        }
        parts.append("\(s.checks - s.failed - s.cannotJudge)/\(s.checks) checks hold"
                     + (s.failed > 0 ? ", \(s.failed) FAIL" : "")
                     + (s.cannotJudge > 0 ? ", \(s.cannotJudge) CANNOT JUDGE" : ""))
        return parts.joined(separator: "; ")
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
