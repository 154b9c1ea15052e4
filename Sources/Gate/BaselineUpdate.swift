import Foundation

/// Writing a baseline from a run (`--update`, `--init`): honest by construction. A check that
/// regressed is not written unless it is named with `--accept-regression CHECK --reason TEXT`, and
/// then the reason is kept in the baseline.
extension GateRun {
    /// The baseline with every measured figure taken from this run: counters' expected values,
    /// work per step, ratios' last measurements (and growth thresholds), normalised step times with
    /// their tolerance re-derived from this run's spread (`TimingRule`), peak RSS, and the machine.
    /// Fixed claims (slope bounds, fixed ratio thresholds, growth bounds, gradient checks) are kept.
    ///
    /// - Parameter accepting: check name → reason; each regressed check must be in it.
    /// - Parameter initialising: `--init`: regressions of measured figures are expected (the
    ///   template holds no measurements) and taken; regressions of claims still refuse.
    /// - Throws: `GateError.refused` naming every regressed check not accepted.
    public func updated(_ baseline: Baseline, accepting: [String: String] = [:], initialising: Bool = false,
                        machine: GateMachine = .current(), date: Date = Date()) throws -> Baseline {
        let claims: Set<CheckOutcome.Kind> = [.complexity, .gradient]
        var refused: [String] = []
        for o in regressions where accepting[o.name] == nil {
            let isMeasuredFigure: Bool = {
                switch o.kind {
                case .counter, .stepTime: return true
                case .work: return o.detail?["equal across sizes"] == 1
                case .ratio: return baseline.ratios.first { $0.name == o.name }?.thresholdFactor != nil
                case .memory: return o.name.hasPrefix("peak RSS")
                case .complexity, .gradient: return false
                }
            }()
            if !(initialising && isMeasuredFigure && !claims.contains(o.kind)) { refused.append(o.name) }
        }
        if let unknown = accepting.keys.first(where: { name in !outcomes.contains { $0.name == name } }) {
            throw GateError.option(name: "accept-regression", value: unknown, valid: "the name of a check of this run")
        }
        if !refused.isEmpty { throw GateError.refused(checks: refused) }

        var b = baseline
        func value(_ kind: CheckOutcome.Kind, _ name: String) -> CheckOutcome? {
            outcomes.first { $0.kind == kind && $0.name == name && $0.value != nil }
        }
        for i in b.counters.indices { if let v = value(.counter, b.counters[i].name)?.value { b.counters[i].expected = v } }
        for i in b.work.indices {
            for field in b.work[i].perStep.keys { if let v = value(.work, b.work[i].name(field))?.value { b.work[i].perStep[field] = v } }
        }
        for i in b.ratios.indices {
            guard let v = value(.ratio, b.ratios[i].name)?.value else { continue }
            b.ratios[i].lastMeasured = (v * 1000).rounded() / 1000
            if let k = b.ratios[i].thresholdFactor {
                let factor = b.ratios[i].betweenRunSpread.map {
                    1 + TimingRule.betweenRunTolerance(spread: $0, runs: b.ratios[i].betweenRunSpreadRuns)
                } ?? k
                b.ratios[i].threshold = ((v * factor) * 1000).rounded() / 1000
            }
        }
        for i in b.stepTimes.indices {
            guard let o = value(.stepTime, b.stepTimes[i].name), let spread = o.detail?["spread"],
                  let rounds = o.detail?["rounds"] else { continue }
            b.stepTimes[i].normalised = o.value!
            b.stepTimes[i].measuredSpread = (spread * 10_000).rounded() / 10_000
            b.stepTimes[i].tolerance = (TimingRule.tolerance(spread: spread, rounds: Int(rounds)) * 10_000).rounded() / 10_000
        }
        for i in b.memory.indices { if let v = value(.memory, b.memory[i].peakName)?.value { b.memory[i].peakBytes = v } }
        let stamp = ISO8601DateFormatter().string(from: date)
        for o in regressions {
            guard let reason = accepting[o.name] else { continue }
            b.acceptedRegressions.append(AcceptedRegression(check: o.name, reason: reason, measured: o.measured, date: stamp))
        }
        b.machine = machine
        return b
    }
}
