import Foundation

/// The sparse models' per-step work counters (`StepWork`): exact at the baseline's N, and exactly equal
/// at every compared N, so a loop over N in a counted stage fails whatever its cost; a growth field
/// (`WorkCheck.growthFields`) by its log-log slope over those sizes instead (a loop over N has slope 1).
extension GateRunner {
    func workChecks() throws -> [CheckOutcome] {
        var outcomes: [CheckOutcome] = []
        for check in baseline.work {
            let fields = check.perStep.keys.sorted().filter { options.wanted(check.name($0)) }
            let growth = (check.growthFields ?? [:]).keys.sorted().filter { options.wanted(check.growthName($0)) }
            guard !fields.isEmpty || !growth.isEmpty else { continue }
            let sizes = [check.size] + check.compareSizes
            var measured: [Int: [String: Double]] = [:]
            for n in sizes {
                guard let values = try pool.instance(check.model, n).work() else { continue }
                measured[n] = values
            }
            for field in fields {
                let expected = "\(GateFormat.number(check.perStep[field]!)) exactly at " + sizes.map(GateFormat.size).joined(separator: ", ")
                let values = sizes.map { measured[$0]?[field] }
                guard values.allSatisfy({ $0 != nil }) else {
                    outcomes.append(Self.notMeasured(check.name(field), expected: expected))
                    continue
                }
                let holds = values.allSatisfy { $0! == check.perStep[field]! }
                let text = zip(sizes, values).map { "\(GateFormat.number($1!)) at \(GateFormat.size($0))" }.joined(separator: ", ")
                outcomes.append(CheckOutcome(kind: .work, name: check.name(field), expected: expected, measured: text,
                                             verdict: holds ? .holds : .regression, value: values[0],
                                             detail: ["equal across sizes": Set(values.map { $0! }).count == 1 ? 1 : 0]))
            }
            // Growth fields: the exact log-log slope over the sizes, as the counters' complexity checks
            // (a zero peak is floored at 1).
            let ascending = sizes.sorted()
            for field in growth {
                let bound = check.growthFields![field]!
                let expected = "slope ≤ \(GateFormat.number(bound)) over " + ascending.map(GateFormat.size).joined(separator: ", ")
                let values = ascending.map { measured[$0]?[field] }
                guard values.allSatisfy({ $0 != nil }) else {
                    outcomes.append(Self.notMeasured(check.growthName(field), expected: expected))
                    continue
                }
                let slope = Self.logLogSlope(sizes: ascending, values: values.map { max($0!, 1) })
                let text = String(format: "slope %.3f (", slope)
                    + zip(ascending, values).map { "\(GateFormat.number($1!)) at \(GateFormat.size($0))" }.joined(separator: ", ") + ")"
                outcomes.append(CheckOutcome(kind: .work, name: check.growthName(field), expected: expected, measured: text,
                                             verdict: slope <= bound ? .holds : .regression, value: slope))
            }
        }
        return outcomes
    }

    /// A work check whose counter some size did not report: cannot judge (skipped), never holds.
    static func notMeasured(_ name: String, expected: String) -> CheckOutcome {
        CheckOutcome(kind: .work, name: name, expected: expected, measured: "cannot judge: counter not measured",
                     verdict: .skipped, value: nil)
    }
}
