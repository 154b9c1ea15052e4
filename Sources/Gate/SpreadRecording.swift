import Foundation

/// The between-run spread s_b of the timing checks (Proofs/gate-timing.md), measured over separate
/// gate processes: `make gate-power` runs `samkit gate --quick --json FILE` several times, each a
/// fresh process, and `samkit gate --record-spread FILE,FILE,...` writes s_b (and how many runs it
/// came from) into the baseline. Separate processes, unlike the clean passes of one power run,
/// hold what differs between two processes (memory layout, page placement of the 2^20 memory).
extension Baseline {
    /// Each timing check's estimate in a run over the baseline's figure (step times: the normalised
    /// time; growth and fixed ratios: the last measured ratio).
    public func timingRelatives(_ outcomes: [CheckOutcome]) -> [(name: String, relative: Double)] {
        outcomes.compactMap { o in
            guard let v = o.value else { return nil }
            switch o.kind {
            case .stepTime:
                guard let b = stepTimes.first(where: { $0.name == o.name }), b.normalised > 0 else { return nil }
                return (o.name, v / b.normalised)
            case .ratio:
                guard let b = ratios.first(where: { $0.name == o.name }), let last = b.lastMeasured, last > 0 else { return nil }
                return (o.name, v / last)
            default: return nil
            }
        }
    }

    /// The baseline with every timing check's between-run spread set from `spreads` (rounded up to
    /// 10⁻⁴), `runs` recorded with it, and a growth ratio's threshold re-derived:
    /// lastMeasured × (1 + `TimingRule.betweenRunTolerance`).
    public func recordingSpreads(_ spreads: [TimingSpread], runs: Int?) -> Baseline {
        var b = self
        func spread(_ name: String) -> Double? {
            spreads.first { $0.name == name }?.spread.map { ($0 * 10_000).rounded(.up) / 10_000 }
        }
        for i in b.stepTimes.indices {
            guard let s = spread(b.stepTimes[i].name) else { continue }
            b.stepTimes[i].betweenRunSpread = s
            b.stepTimes[i].betweenRunSpreadRuns = runs
        }
        for i in b.ratios.indices where b.ratios[i].thresholdFactor != nil {
            guard let s = spread(b.ratios[i].name), let last = b.ratios[i].lastMeasured else { continue }
            b.ratios[i].betweenRunSpread = s
            b.ratios[i].betweenRunSpreadRuns = runs
            b.ratios[i].threshold = ((last * (1 + TimingRule.betweenRunTolerance(spread: s, runs: runs))) * 1000).rounded() / 1000
        }
        return b
    }

    /// Every timing check's figures over the result files of separate clean runs (`gate --json`).
    /// - Throws: `GateError.option` naming the file when one is unreadable, is not a gate result,
    ///   was an injected run, or lacks a timing check of this baseline.
    public func timingSpreads(resultFiles paths: [String]) throws -> [TimingSpread] {
        struct Document: Decodable { let injection: String?; let checks: [CheckOutcome] }
        var values: [String: [Double]] = [:]
        let wanted = stepTimes.map(\.name) + ratios.filter { $0.thresholdFactor != nil }.map(\.name)
        for path in paths {
            func bad(_ problem: String) -> GateError { .option(name: "record-spread", value: path, valid: problem) }
            let document: Document
            do { document = try JSONDecoder().decode(Document.self, from: Data(contentsOf: URL(fileURLWithPath: path))) } catch {
                throw bad("a readable `samkit gate --json` result file (\(error.localizedDescription))")
            }
            if let i = document.injection { throw bad("the result of a clean run (this one injected \(i))") }
            let relatives = timingRelatives(document.checks)
            for name in wanted {
                guard let r = relatives.first(where: { $0.name == name }) else {
                    throw bad("a run that measured \"\(name)\" (run the gate with its timing checks)")
                }
                values[name, default: []].append(r.relative)
            }
        }
        return wanted.map { TimingSpread(name: $0, relative: values[$0] ?? []) }
    }
}
