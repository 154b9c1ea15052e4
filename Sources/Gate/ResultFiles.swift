import Foundation

/// The gate's results for CI systems: JUnit XML (one test case per check) and JSON.
extension GateRun {
    /// JUnit XML: one `<testsuite name="samkit gate">`, one `<testcase>` per check; a regression is
    /// a `<failure>`, a skipped check a `<skipped>` (and a `<failure>` too unless skipping is allowed,
    /// so CI shows it red).
    public func junitXML() -> String {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let failures = regressions.count + (allowSkipped ? 0 : skipped.count)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites><testsuite name=\"samkit gate\" tests=\"\(outcomes.count)\" failures=\"\(failures)\" "
            + "skipped=\"\(skipped.count)\" time=\"\(String(format: "%.3f", seconds))\">\n"
        for o in outcomes {
            xml += "  <testcase classname=\"gate.\(o.kind.rawValue)\" name=\"\(escape(o.name))\">"
            let message = "expected \(o.expected), measured \(o.measured)"
            switch o.verdict {
            case .holds: xml += "<system-out>\(escape(message))</system-out>"
            case .regression: xml += "<failure message=\"\(escape(message))\" type=\"regression\"/>"
            case .skipped:
                xml += "<skipped message=\"\(escape(o.measured))\"/>"
                if !allowSkipped { xml += "<failure message=\"skipped: \(escape(o.measured))\" type=\"skipped\"/>" }
            }
            xml += "</testcase>\n"
        }
        return xml + "</testsuite></testsuites>\n"
    }

    /// The same results as JSON: passed, exit code, counts, and every outcome.
    public func json(baselinePath: String) throws -> Data {
        struct Document: Encodable {
            let baseline: String, passed: Bool, exitCode: Int32, seconds: Double, quick: Bool, allowSkipped: Bool
            let injection: String?, machineNote: String?, regressions: Int, skipped: Int, checks: [CheckOutcome]
        }
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(Document(baseline: baselinePath, passed: passed, exitCode: exitCode, seconds: seconds,
                                     quick: quick, allowSkipped: allowSkipped, injection: injection?.rawValue,
                                     machineNote: machineNote, regressions: regressions.count, skipped: skipped.count,
                                     checks: outcomes)) + Data("\n".utf8)
    }
}
