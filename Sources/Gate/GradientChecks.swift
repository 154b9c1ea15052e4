import Foundation
import MemoryModels
import Verification

/// The verification harness's checks on seeded cases (`samkit verify`'s generator).
/// Each `GradientCheck` names its case ranges, SAM's index and the SDNC's link gradient, so the gate
/// also runs the Float model against Double (`floatAgreement`), the k-d forest at an N where FLANN
/// searches for itself, and the SDNC under both link-gradient options.
extension GateRunner {
    /// At most this many cases per required case are drawn to replace cases that cannot judge.
    static let maxDrawFactor = 3

    func gradientChecks() -> [CheckOutcome] {
        var outcomes: [CheckOutcome] = []
        let settings = VerificationSettings(fault: options.injection?.gradientFault)
        for g in baseline.gradients {
            let checks = g.checks.filter { options.wanted(g.name($0)) }
            guard !checks.isEmpty else { continue }
            let cases = options.quick ? g.quickCases : g.cases
            options.progress("gradients: \(g.model.rawValue) \(checks.map(\.rawValue).joined(separator: ", ")), \(cases) cases")
            let generator = CaseGenerator(seed: g.seed &+ options.gradientSeedOffset, index: g.index ?? .exact,
                                          ranges: g.ranges ?? .toy)
            // A case on which a check cannot judge (`Verdict.cannotJudge`: e.g. the Float tolerance not
            // small against a block whose gradient is tiny) says nothing either way, so it is replaced by
            // a further case, up to `maxDrawFactor` × cases: each check is judged on `cases` cases that
            // could have failed. Counting such a case as a regression false-alarmed 4 times in 40 clean
            // passes of the Float checks; ignoring it would shrink the power the case count was set for.
            var results: [CheckKind: [CheckResult]] = [:]
            var unjudged: [CheckKind: Int] = [:]
            var unbuilt = 0
            var number = 0
            while number < Self.maxDrawFactor * cases {
                // Once a check has failed a case its verdict is settled: with `stopWhenSettled`
                // (`--power`'s injected runs) it draws no further cases.
                let pending = checks.filter { check in
                    let rs = results[check] ?? []
                    return rs.count < cases && !(options.stopWhenSettled && rs.contains { !$0.passed })
                }
                if pending.isEmpty { break }
                defer { number += 1 }
                let c: VerificationCase
                do {
                    let drawn = try generator.makeCase(number, model: g.model)
                    c = try g.linkGradient.map { try drawn.with(linkGradient: $0) } ?? drawn
                } catch { unbuilt += 1; continue }
                for r in Verifier.run(c, checks: pending, settings: settings) {
                    if r.verdict == .cannotJudge { unjudged[r.check, default: 0] += 1 } else { results[r.check, default: []].append(r) }
                }
            }
            for check in checks {
                let rs = results[check] ?? []
                let failed = rs.filter { !$0.passed }
                var measured = "\(rs.count - failed.count)/\(rs.count) pass"
                if let k = unjudged[check] { measured += ", \(k) cases could not judge (replaced)" }
                if unbuilt > 0 { measured += ", \(unbuilt) cases could not be built" }
                if let worst = rs.compactMap(\.worst).max(by: { $0.excess < $1.excess }) {
                    measured += String(format: ", worst error/tolerance %.2g", worst.excess)
                }
                if let first = failed.first { measured += " (first failure: case seed \(first.verificationCase.seed))" }
                let verdict: Verdict = failed.isEmpty ? (rs.count >= cases ? .holds : .skipped) : .regression
                outcomes.append(CheckOutcome(kind: .gradient, name: g.name(check), expected: "all \(cases) cases pass",
                                             measured: rs.isEmpty ? "cannot judge: no case ran" : measured,
                                             verdict: verdict, value: nil))
            }
        }
        return outcomes
    }
}
