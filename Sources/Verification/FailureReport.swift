/// A failure a person can act on: model, configuration, seed, worst coordinate, both values, errors,
/// tolerance and its source, kink counts, and how to replay it.
public enum FailureReport {
    /// The multi-line report of one check: verdict, case, replay command, worst coordinate and its
    /// tolerance's source, coordinates compared and kinked, detection floors.
    public static func text(_ r: CheckResult) -> String {
        let c = r.verificationCase
        let verdict = switch r.verdict { case .holds: "PASS"; case .fails: "FAIL"; case .cannotJudge: "CANNOT JUDGE" }
        var lines = ["\(verdict) \(r.check.rawValue) on \(c.model)",
                     "  configuration: \(c)",
                     "  replay with: samkit verify --model \(c.model.rawValue) --case-seed \(c.seed) --index \(c.configuration.index) --mode \(mode(r.check))"
                         + (c.configuration.temporalLinks?.gradient == .full ? " --link-gradient full" : "")
                         + (r.check == .floatAgreement ? " --precision float" : "") + " (plus the run's --preset and size options)"]
        if let w = r.worst {
            lines.append("  worst coordinate: \(w.coordinate) (flat index \(w.coordinate.index))")
            lines.append("  analytic \(w.analytic)  numeric/reference \(w.numeric)")
            lines.append("  abs error \(format(w.absoluteError))  rel error \(format(w.relativeError))  "
                         + "tolerance \(format(w.tolerance.value)) from \(w.tolerance.source)")
        }
        lines.append("  compared \(r.compared) coordinates; kinks \(r.kinkCount)")
        for k in r.kinks { lines.append("  kink at \(k.coordinate): \(k.decision)") }
        for n in r.notes { lines.append("  \(n)") }
        if let reason = r.cannotJudge { lines.append("  cannot judge: \(reason)") }
        if !r.detectionFloors.isEmpty {
            lines.append("  detection floor (smallest relative fault on the block's largest entry that fails): "
                         + r.detectionFloors.map { "\($0.block) \($0.floor.map { format($0) } ?? "none")" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    static func mode(_ check: CheckKind) -> String {
        switch check {
        case .replay: "replay"
        case .free: "free"
        case .fast: "fast"
        case .denseEquivalence, .maskedEquivalence: "dense"
        case .structural: "structural"
        case .floatAgreement: "float"
        }
    }
}
