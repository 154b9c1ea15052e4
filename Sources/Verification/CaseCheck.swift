import MemoryModels

/// `samkit verify --check-case`: recompute a case file (possibly written by another implementation)
/// and compare every field.
///
/// The model is built from the file's configuration, its parameters and M_0 are loaded from the file
/// (any explicit initial memory). `DecisionAudit` recomputes every u_j and S_j from the case's own
/// memory and reports each mismatch; the file's decisions are replayed so the numbers are compared on
/// the trajectory the file describes. Agreement: `exact` when every number is bit-identical, `agree` when
/// each field's norm-wise relative difference is ≤ 1e-9 (float64 implementations that sum in another
/// order differ by ~1e-14), otherwise `disagree`.
public struct CaseCheck: Sendable {
    /// One compared field: max |file − recomputed| and the norm-wise relative difference.
    public struct Field: Sendable {
        /// The field's name (`loss`, `outputs`, `gradients.NAME`, `inputGradient`).
        public let name: String
        /// max |file − recomputed| over the field.
        public let maxAbsoluteDifference: Double
        /// max |file − recomputed| / max |value| over the field (0 when all are 0).
        public let relativeDifference: Double
        /// Every number bit-identical.
        public let exact: Bool
    }
    /// The case file checked.
    public let file: String
    /// Every compared field.
    public let fields: [Field]
    /// Decisions of the case that differ from the ones recomputed from its own memory (`DecisionAudit`).
    public let decisionMismatches: [DecisionAudit.Mismatch]
    /// Allowed differences (an approximate index's choice of rows).
    public let decisionNotes: [String]
    /// The norm-wise relative difference below which a field agrees.
    public static let relativeTolerance = 1e-9

    /// Every number bit-identical and every decision recomputed.
    public var exact: Bool { decisionMismatches.isEmpty && fields.allSatisfy(\.exact) }
    /// Every field within `relativeTolerance` and every decision recomputed.
    public var agrees: Bool { decisionMismatches.isEmpty && fields.allSatisfy { $0.relativeDifference <= Self.relativeTolerance } }

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
        let audit = try DecisionAudit.run(model: file.model, configuration: c, initialMemory: file.initialMemory.values,
                                          parameters: model.parameters, episode: episode, decisions: recorded)
        // The numbers are those of the case's own decisions, right or wrong (the audit judges those).
        DecisionAudit.start(model, memory: file.initialMemory.values)
        let result = try model.forward(episode, mode: .training, replay: recorded)
        let dx = try model.backward(outputGradient: nil)
        if let bad = NonFiniteScan.first(model, forward: result, inputGradient: dx, subject: "the case file") {
            throw CaseFileError(field: "parameters/inputs/initialMemory", problem: "\(bad) (values this large overflow the model)")
        }
        var fields = [compare("loss", [file.loss], [result.loss]), compare("outputs", file.outputs.values, result.outputs)]
        for s in model.parameters.slices {
            fields.append(compare("gradients.\(s.name)", file.gradients[s.name]!.values, Array(model.parameters.gradient(s.name))))
        }
        fields.append(compare("inputGradient", file.inputGradient.values, dx))
        return CaseCheck(file: path, fields: fields, decisionMismatches: audit.mismatches, decisionNotes: audit.notes)
    }

    static func compare(_ name: String, _ a: [Double], _ b: [Double]) -> Field {
        var difference = 0.0, scale = 0.0, exact = true
        for (x, y) in zip(a, b) {
            difference = max(difference, abs(x - y))
            scale = max(scale, abs(x), abs(y))
            if x.bitPattern != y.bitPattern && !(x == 0 && y == 0) { exact = false }
        }
        return Field(name: name, maxAbsoluteDifference: difference, relativeDifference: scale > 0 ? difference / scale : 0,
                     exact: exact)
    }

    /// A table of the fields and the verdict.
    public var text: String {
        var rows = [["field", "max |file - recomputed|", "relative", "verdict"]]
        for f in fields {
            rows.append([f.name, format(f.maxAbsoluteDifference), format(f.relativeDifference),
                         f.exact ? "exact" : f.relativeDifference <= Self.relativeTolerance ? "agree" : "DISAGREE"])
        }
        var lines = ["check-case \(file)", render(rows)]
        for m in decisionMismatches { lines.append("decision DISAGREES: \(m)") }
        for n in decisionNotes { lines.append("decision note: \(n)") }
        lines.append("decisions: \(decisionMismatches.isEmpty ? "every u_j and S_j recomputed from the case's memory matches" : "\(decisionMismatches.count) mismatch(es)")")
        lines.append("verdict: " + (exact ? "exact agreement" : agrees ? "agreement within \(format(Self.relativeTolerance)) relative"
            : "DISAGREEMENT"))
        return lines.joined(separator: "\n")
    }
}
