import MemoryModels

/// `samkit verify --check-case`: recompute a case file (possibly written by another implementation)
/// and compare every field.
///
/// The model is built from the file's configuration, its parameters and M_0 are loaded from the file
/// (any explicit initial memory). `DecisionAudit` recomputes every u_j and S_j from the case's own
/// memory and reports each mismatch; the file's decisions are replayed so the numbers are compared on
/// the trajectory the file describes. The numbers are judged by the file's `precision`:
/// - float64 (the default): `exact` when every number is bit-identical, `agree` when each field's
///   norm-wise relative difference is ≤ 1e-9 (float64 implementations that sum in another order differ
///   by ~1e-14), otherwise `DISAGREE`;
/// - float32: recomputed in Double at the file's (Float-representable) point and judged entry by entry
///   with the Float-derived bound τ_b of `FloatBound`, the one `FloatAgreementCheck` uses
///   (`floatFields`): `agree`, `DISAGREE`, or `cannot judge` when τ_b ≥ 0.1 × the block's largest entry.
public struct CaseCheck: Sendable {
    /// A field's verdict.
    public enum Verdict: String, Sendable {
        case exact, agree
        case disagree = "DISAGREE"
        case cannotJudge = "cannot judge"
    }
    /// One compared field: max |file − recomputed|, the norm-wise relative difference, the verdict.
    public struct Field: Sendable {
        /// The field's name (`loss`, `outputs`, `gradients.NAME`, `inputGradient`).
        public let name: String
        /// max |file − recomputed| over the field.
        public let maxAbsoluteDifference: Double
        /// max |file − recomputed| / max |value| over the field (0 when all are 0).
        public let relativeDifference: Double
        /// Every number bit-identical.
        public let exact: Bool
        /// exact, agree, DISAGREE or cannot judge.
        public let verdict: Verdict
        /// The largest bound on |file − recomputed| of the field's entries: τ_b (float32), or
        /// `relativeTolerance` × max |value| (float64).
        public let tolerance: Double
        /// float32: the bound's decomposition (τ, S, R, read sum, terms) and, when it cannot judge, why.
        public let note: String?
    }
    /// The case file checked.
    public let file: String
    /// The precision the numbers were judged in.
    public let precision: CasePrecision
    /// Every compared field.
    public let fields: [Field]
    /// Decisions of the case that differ from the ones recomputed from its own memory (`DecisionAudit`).
    public let decisionMismatches: [DecisionAudit.Mismatch]
    /// Allowed differences (an approximate index's choice of rows).
    public let decisionNotes: [String]
    /// The norm-wise relative difference below which a float64 field agrees.
    public static let relativeTolerance = 1e-9

    /// Every number bit-identical and every decision recomputed.
    public var exact: Bool { decisionMismatches.isEmpty && fields.allSatisfy(\.exact) }
    /// Every field exact or agreeing and every decision recomputed.
    public var agrees: Bool { decisionMismatches.isEmpty && fields.allSatisfy { $0.verdict == .exact || $0.verdict == .agree } }
    /// Some field cannot be judged (and none disagrees).
    public var cannotJudge: Bool {
        fields.contains { $0.verdict == .cannotJudge } && !fields.contains { $0.verdict == .disagree }
    }

    /// Reads, validates and recomputes the case file at `path` (a file or DIR/case.json).
    /// - Throws: `CaseFileError` naming the field for a malformed file, or one whose values make the model overflow.
    public static func run(path: String) throws -> CaseCheck {
        let file = try CaseFile.read(path: path)
        let c = file.configuration
        let model = try file.model.make(c)
        for s in model.parameters.slices {
            _ = model.parameters[s.name].update(fromContentsOf: file.parameters[s.name]!.values)
        }
        let episode: Episode<Double>
        do {
            episode = try Episode(configuration: c, inputs: file.inputs.values, targets: file.targets.values,
                                  mask: file.mask.values)
        } catch { throw CaseFileError(field: "inputs/targets/mask", problem: error.description) }
        let recorded = RecordedDecisions(steps: file.decisions)
        let audit: (mismatches: [DecisionAudit.Mismatch], notes: [String]), result: ForwardResult<Double>
        do {
            audit = try DecisionAudit.run(model: file.model, configuration: c, initialMemory: file.initialMemory.values,
                                          parameters: model.parameters, episode: episode, decisions: recorded)
            // The numbers are those of the case's own decisions, right or wrong (the audit judges those).
            DecisionAudit.start(model, memory: file.initialMemory.values)
            result = try model.forward(episode, mode: .training, replay: recorded)
        } catch let error as ConfigurationError {   // decisions the model cannot replay (e.g. a held cut that does not fit)
            guard case let .outOfRange(field, value, valid) = error else { throw error }
            throw CaseFileError(field: field.replacingOccurrences(of: "replay.steps[", with: "decisions["),
                                problem: "\(value), expected \(valid)")
        }
        let dx = try model.backward(outputGradient: nil)
        if let bad = NonFiniteScan.first(model, forward: result, inputGradient: dx, subject: "the case file") {
            throw CaseFileError(field: "parameters/inputs/initialMemory", problem: "\(bad) (values this large overflow the model)")
        }
        let fields: [Field]
        if file.judgedPrecision == .float32 {
            fields = try floatFields(file, parameters: Array(model.parameters.values), decisions: recorded)
        } else {
            var compared = [compare("loss", [file.loss], [result.loss]), compare("outputs", file.outputs.values, result.outputs)]
            for s in model.parameters.slices {
                compared.append(compare("gradients.\(s.name)", file.gradients[s.name]!.values, Array(model.parameters.gradient(s.name))))
            }
            fields = compared + [compare("inputGradient", file.inputGradient.values, dx)]
        }
        return CaseCheck(file: path, precision: file.judgedPrecision, fields: fields, decisionMismatches: audit.mismatches,
                         decisionNotes: audit.notes)
    }

    /// A float64 field: exact, agree (norm-wise relative difference ≤ `relativeTolerance`) or DISAGREE.
    static func compare(_ name: String, _ a: [Double], _ b: [Double]) -> Field {
        var difference = 0.0, scale = 0.0, exact = true
        for (x, y) in zip(a, b) {
            difference = max(difference, abs(x - y))
            scale = max(scale, abs(x), abs(y))
            if x.bitPattern != y.bitPattern && !(x == 0 && y == 0) { exact = false }
        }
        let relative = scale > 0 ? difference / scale : 0
        return Field(name: name, maxAbsoluteDifference: difference, relativeDifference: relative, exact: exact,
                     verdict: exact ? .exact : relative <= relativeTolerance ? .agree : .disagree,
                     tolerance: relativeTolerance * scale, note: nil)
    }

    /// A table of the fields and the verdict.
    public var text: String {
        let float = precision == .float32
        var rows = [["field", "max |file - recomputed|", "relative", "verdict"]]
        for f in fields {
            rows.append([f.name, format(f.maxAbsoluteDifference), format(f.relativeDifference), f.verdict.rawValue])
        }
        var lines = ["check-case \(file) (precision \(precision.rawValue))", render(rows)]
        for f in fields where f.verdict == .disagree || f.verdict == .cannotJudge {
            if let note = f.note { lines.append("\(f.verdict.rawValue): \(f.name): \(note)") }
        }
        for m in decisionMismatches { lines.append("decision DISAGREES: \(m)") }
        for n in decisionNotes { lines.append("decision note: \(n)") }
        lines.append("decisions: \(decisionMismatches.isEmpty ? "every u_j and S_j recomputed from the case's memory matches" : "\(decisionMismatches.count) mismatch(es)")")
        let rule = float ? "the Float-derived bound τ_b (Proofs/float-precision.md)" : "\(format(Self.relativeTolerance)) relative"
        lines.append("verdict: " + (exact ? "exact agreement" : agrees ? "agreement within \(rule)"
            : cannotJudge && decisionMismatches.isEmpty ? "CANNOT JUDGE (a field's bound is not small against it)" : "DISAGREEMENT"))
        return lines.joined(separator: "\n")
    }
}
