import Foundation

/// SAM's per-step work counters (`StepWork`): exact at the baseline's N, and exactly equal at every
/// compared N, so a loop over N in a counted stage fails whatever its cost.
extension GateRunner {
    func workChecks() throws -> [CheckOutcome] {
        var outcomes: [CheckOutcome] = []
        for check in baseline.work {
            let fields = check.perStep.keys.sorted().filter { options.wanted(check.name($0)) }
            guard !fields.isEmpty else { continue }
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
                    outcomes.append(CheckOutcome(kind: .work, name: check.name(field), expected: expected,
                                                 measured: "cannot judge: counter not measured", verdict: .skipped, value: nil))
                    continue
                }
                let holds = values.allSatisfy { $0! == check.perStep[field]! }
                let text = zip(sizes, values).map { "\(GateFormat.number($1!)) at \(GateFormat.size($0))" }.joined(separator: ", ")
                outcomes.append(CheckOutcome(kind: .work, name: check.name(field), expected: expected, measured: text,
                                             verdict: holds ? .holds : .regression, value: values[0],
                                             detail: ["equal across sizes": Set(values.map { $0! }).count == 1 ? 1 : 0]))
            }
        }
        return outcomes
    }
}
