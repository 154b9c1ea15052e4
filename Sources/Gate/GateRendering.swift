import Foundation

extension GateRun {
    /// The plain-text table (check, expected, measured, verdict).
    public var table: String {
        let header = ["check", "expected", "measured", "verdict"]
        let rows = outcomes.map { [$0.name, $0.expected, $0.measured, $0.verdict.rawValue] }
        let widths = (0..<4).map { i in ([header] + rows).map { $0[i].count }.max()! }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        return ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
                + rows.map(line)).joined(separator: "\n")
    }

    public var summary: String {
        let held = outcomes.filter { $0.verdict == .holds }.count
        var s = "gate: \(outcomes.count) checks, \(held) hold, \(regressions.count) regressed, \(skipped.count) skipped"
        s += String(format: " (%.1f s)", seconds)
        if let machineNote { s += "\n" + machineNote }
        if !regressions.isEmpty { s += "\nregressions: " + regressions.map(\.name).joined(separator: "; ") }
        if !skipped.isEmpty {
            s += "\nskipped (\(allowSkipped ? "allowed by --allow-skipped" : "a failure; --allow-skipped to allow")): "
                + skipped.map(\.name).joined(separator: "; ")
        }
        return s
    }

    /// The Markdown summary for CI logs.
    public func markdown(baselinePath: String) -> String {
        var md = "# samkit gate: \(passed ? "PASS" : "FAIL")\n\n"
        md += "Baseline `\(baselinePath)`, \(quick ? "--quick" : "full") run"
        if let injection { md += ", **injected regression: `\(injection.rawValue)`** (test-only)" }
        md += String(format: ", %.1f s, %d checks.\n\n", seconds, outcomes.count)
        if let machineNote { md += "> \(machineNote)\n\n" }
        if !regressions.isEmpty {
            md += "## Regressions\n\n" + regressions.map { "- **\($0.name)**: expected \($0.expected), measured \($0.measured)" }
                .joined(separator: "\n") + "\n\n"
        }
        if !skipped.isEmpty {
            md += "## Skipped (\(allowSkipped ? "allowed" : "failing"))\n\n"
                + skipped.map { "- \($0.name): \($0.measured)" }.joined(separator: "\n") + "\n\n"
        }
        md += "## Checks\n\n| check | expected | measured | verdict |\n|---|---|---|---|\n"
        for o in outcomes {
            md += "| \(o.name) | \(o.expected) | \(o.measured) | \(o.verdict == .regression ? "**REGRESSION**" : o.verdict.rawValue) |\n"
        }
        md += """

            Counters and work counters are exact. Timings are paired round by round (interleaved rounds, \
            each with the calibration workload): a timing check regresses only when the one-sided bootstrap \
            bound of the median paired ratio exceeds its threshold (README "The CI gate").

            """
        return md
    }
}
