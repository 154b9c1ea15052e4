import MemoryModels
import SAMNumerics

/// `--check-case` checks a case's decisions instead of trusting them: for each step t, from the case's
/// own M_0, parameters and inputs, with the case's decisions of steps 1..t-1 replayed, it recomputes
/// - u_t,1..R: the R least recently used rows (SPEC step 4; ties: the lower ring position),
/// - S_t,j: the top K rows under the exact index (SPEC step 5; ties: the lower row index), best first, and
/// - for an SDNC case holding `linkCuts` (full link gradient): the entries each cut of the link store
///   kept (SPEC "Sparse DNC": the K_L largest of each merged row of N_t and P_t, and of p_t), as sets,
/// and compares them with the case's, in order. Replaying the earlier steps keeps one wrong decision
/// from hiding the others: every step is judged on the history the case itself claims.
///
/// A case whose index is approximate (kdtree, lsh) may legitimately select other rows than the exact
/// top K: such differences are listed as notes, not mismatches; its least-used rows must still match,
/// and its selected rows must still be best first (checked on the similarities of the replayed read).
/// Cost: T(T+1)/2 model steps (each prefix is replayed from M_0).
public enum DecisionAudit {
    /// A recomputed decision that differs from the case's.
    public struct Mismatch: Codable, Sendable, Equatable, CustomStringConvertible {
        /// 1-based step.
        public let step: Int
        /// `leastUsed`, `selected[j]` (0-based head j), `order of selected[j]` or a `linkCuts` choice.
        public let field: String
        /// The rows the case file holds.
        public let file: [Int]
        /// The rows recomputed from the case's own memory with SPEC's tie rule.
        public let recomputed: [Int]
        /// "step t FIELD: file [...], recomputed [...]".
        public var description: String { "step \(step) \(field): file \(file), recomputed \(recomputed)" }
    }

    /// Mismatches (the case is wrong) and notes (allowed differences of an approximate index).
    public static func run(model kind: ModelKind, configuration c: ModelConfiguration, initialMemory: [Double],
                           parameters: ParameterStore<Double>, episode: Episode<Double>,
                           decisions: RecordedDecisions) throws -> (mismatches: [Mismatch], notes: [String]) {
        let exact = try c.with(index: .exact)
        let model = try kind.make(exact)
        model.parameters.copyValues(from: parameters)
        var mismatches: [Mismatch] = [], notes: [String] = []
        for t in 0..<episode.steps {
            start(model, memory: initialMemory)
            if t > 0 {
                _ = try model.forward(try slice(episode, 0..<t, c), mode: .inference,
                                      replay: RecordedDecisions(steps: Array(decisions.steps[0..<t])))
            }
            _ = try model.forward(try slice(episode, t..<(t + 1), c), mode: .training, replay: nil)
            let recomputed = model.decisions.steps[0], file = decisions.steps[t]
            if recomputed.leastUsed != file.leastUsed {
                mismatches.append(Mismatch(step: t + 1, field: "leastUsed", file: file.leastUsed, recomputed: recomputed.leastUsed))
            }
            for (j, (mine, theirs)) in zip(recomputed.selected, file.selected).enumerated() where mine != theirs {
                let m = Mismatch(step: t + 1, field: "selected[\(j)]", file: theirs, recomputed: mine)
                if c.index == .exact || Set(mine) == Set(theirs) { mismatches.append(m) }
                else { notes.append("\(m) (allowed: the case's index is \(c.index), not the exact top K)") }
            }
            if let theirs = file.linkCuts, let mine = recomputed.linkCuts {
                for d in mine.differences(from: theirs) {
                    mismatches.append(Mismatch(step: t + 1, field: d.field, file: d.theirs, recomputed: d.mine))
                }
            }
        }
        if kind == .sam {
            let seen = Set(mismatches.map { "\($0.step) \($0.field)" })
            mismatches += try orderViolations(exact, initialMemory, parameters, episode, decisions)
                .filter { !seen.contains("\($0.step) \($0.field.replacingOccurrences(of: "order of ", with: ""))") }
        }
        return (mismatches, notes)
    }

    /// The case's selected rows must be best first: replaying the case's decisions, each head's
    /// similarities must not increase along S_j (equal ones: lower row first). Two similarities within
    /// rounding (4ε) of each other count as a tie of unknown order and are not flagged.
    static func orderViolations(_ c: ModelConfiguration, _ memory: [Double], _ parameters: ParameterStore<Double>,
                                _ episode: Episode<Double>, _ decisions: RecordedDecisions) throws -> [Mismatch] {
        let sam = try SAM<Double>(configuration: c)
        sam.parameters.copyValues(from: parameters)
        start(sam, memory: memory)
        _ = try sam.forward(episode, mode: .training, replay: decisions)
        var violations: [Mismatch] = []
        for t in 0..<episode.steps {
            for (j, head) in sam.readRecord(step: t).enumerated() {
                let s = head.similarities, rows = head.rows
                let wrong = zip(s.indices, s.indices.dropFirst()).contains { a, b in
                    let slack = 4 * Double.ulpOfOne * max(1, abs(s[a]), abs(s[b]))
                    return s[b] > s[a] + slack || (s[a] == s[b] && rows[b] < rows[a])
                }
                if wrong {
                    let best = s.indices.sorted { s[$0] != s[$1] ? s[$0] > s[$1] : rows[$0] < rows[$1] }.map { rows[$0] }
                    violations.append(Mismatch(step: t + 1, field: "order of selected[\(j)]", file: rows, recomputed: best))
                }
            }
        }
        return violations
    }

    /// Back to zero state with M_0 = `memory` (N x W), and the index rebuilt on it.
    static func start<Scalar: ModelScalar>(_ model: any MemoryModel<Scalar>, memory: [Scalar]) {
        model.reset()
        _ = model.memory.storage.update(fromContentsOf: memory)
        if let sam = model as? SAM<Scalar> { sam.index.build(from: sam.memory) }
        if let sdnc = model as? SDNC<Scalar> { sdnc.index.build(from: sdnc.memory) }
    }

    /// Steps `range` of an episode.
    static func slice(_ e: Episode<Double>, _ range: Range<Int>, _ c: ModelConfiguration) throws -> Episode<Double> {
        let x = c.inputSize, y = c.outputSize
        return try Episode(configuration: c, inputs: Array(e.inputs[(range.lowerBound * x)..<(range.upperBound * x)]),
                           targets: Array(e.targets[(range.lowerBound * y)..<(range.upperBound * y)]),
                           mask: Array(e.mask[range]))
    }
}
