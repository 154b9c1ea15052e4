import ComplexityFit
import Foundation
import Profiling

/// Deterministic counters at one N (record bytes, index rows updated, allocations) and their growth over N.
extension GateRunner {
    func counterChecks() throws -> [CheckOutcome] {
        var cache: [String: [GateMetric: Double]] = [:]
        func counters(_ check: (model: ProfiledModel, size: Int)) throws -> [GateMetric: Double] {
            let key = "\(check.model.rawValue)@\(check.size)"
            if let c = cache[key] { return c }
            let c = try pool.instance(check.model, check.size).counters(allocations: options.allocations)
            cache[key] = c
            return c
        }
        var outcomes: [CheckOutcome] = []
        for check in baseline.counters where options.wanted(check.name) {
            let expected = GateFormat.number(check.expected) + (check.tolerance > 0 ? " ± \(GateFormat.number(check.tolerance))" : " exactly")
            guard let measured = try counters((check.model, check.size))[check.metric] else {
                outcomes.append(CheckOutcome(kind: .counter, name: check.name, expected: expected,
                                             measured: check.metric == .allocationsPerStep ? "cannot judge: no allocation counter in this build" : "cannot judge: not measurable",
                                             verdict: .skipped, value: nil))
                continue
            }
            let holds = abs(measured - check.expected) <= check.tolerance * (1 + 1e-12)
            outcomes.append(CheckOutcome(kind: .counter, name: check.name, expected: expected,
                                         measured: GateFormat.number(measured), verdict: holds ? .holds : .regression,
                                         value: measured))
        }
        for check in baseline.complexity where options.wanted(check.name) {
            let sizes = check.sizes.sorted()
            let values = try sizes.map { try counters((check.model, $0))[check.metric] }
            let expected = "\(check.expectedClass.rawValue): slope ≤ \(GateFormat.number(check.maxSlope))"
            guard values.allSatisfy({ $0 != nil }) else {
                outcomes.append(CheckOutcome(kind: .complexity, name: check.name, expected: expected,
                                             measured: "cannot judge: not measurable", verdict: .skipped, value: nil))
                continue
            }
            // Exact counters: the least-squares log-log slope itself, no interval. A zero counter
            // is floored at 1 (so a counter that drops to 0 reads as a falling slope, not a crash).
            let slope = Self.logLogSlope(sizes: sizes, values: values.map { max($0!, 1) })
            let measured = String(format: "slope %.3f (%@ at %@, %@ at %@)", slope,
                                  GateFormat.number(values.first!!), GateFormat.size(sizes.first!),
                                  GateFormat.number(values.last!!), GateFormat.size(sizes.last!))
            outcomes.append(CheckOutcome(kind: .complexity, name: check.name, expected: expected, measured: measured,
                                         verdict: slope <= check.maxSlope ? .holds : .regression, value: slope))
        }
        return outcomes
    }

    /// The exact least-squares slope of log(value) on log(size) (the one shared implementation).
    static func logLogSlope(sizes: [Int], values: [Double]) -> Double {
        Statistics.logLogSlope(sizes: sizes, values: values)
    }
}
