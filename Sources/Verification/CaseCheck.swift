import MemoryModels

/// `samkit verify --check-case`: recompute a case file (possibly written by another implementation)
/// and compare every field.
///
/// The model is built from the file's configuration, its parameters are loaded from the file, and
/// M_0 must equal the file's `initialMemory`. A free training forward recomputes the decisions; if
/// they differ from the file's, that is a disagreement, and the file's decisions are replayed so the
/// numbers can still be compared. Agreement: `exact` when every number is bit-identical, `agree` when
/// each field's norm-wise relative difference is ≤ 1e-9 (float64 implementations that sum in another
/// order differ by ~1e-14), otherwise `disagree`.
public struct CaseCheck: Sendable {
    /// One compared field: max |file − recomputed| and the norm-wise relative difference.
    public struct Field: Sendable {
        public let name: String
        public let maxAbsoluteDifference: Double
        public let relativeDifference: Double
        public let exact: Bool
    }
    public let file: String
    public let fields: [Field]
    /// The first decision that differs, if any.
    public let decisionDifference: String?
    public static let relativeTolerance = 1e-9

    public var exact: Bool { decisionDifference == nil && fields.allSatisfy(\.exact) }
    public var agrees: Bool { decisionDifference == nil && fields.allSatisfy { $0.relativeDifference <= Self.relativeTolerance } }

    public static func run(path: String) throws -> CaseCheck {
        let file = try CaseFile.read(path: path)
        let c = file.configuration
        let model = try file.model.make(c)
        model.reset()
        let m0 = model.memory.snapshot()
        if let i = m0.indices.first(where: { abs(m0[$0] - file.initialMemory.values[$0]) > relativeTolerance * max(1, abs(m0[$0])) }) {
            throw CaseFileError(field: "initialMemory.values[\(i)]",
                                problem: "\(file.initialMemory.values[i]), but the configuration's memoryInitialisation "
                                    + "(\(c.memoryInitialisation)) gives \(m0[i])")
        }
        for s in model.parameters.slices {
            _ = model.parameters[s.name].update(fromContentsOf: file.parameters[s.name]!.values)
        }
        let episode: Episode<Double>
        do {
            episode = try Episode(configuration: c, inputs: file.inputs.values, targets: file.targets.values,
                                  mask: file.mask.values)
        } catch { throw CaseFileError(field: "inputs/targets/mask", problem: error.description) }
        let recorded = RecordedDecisions(steps: file.decisions)
        var result = try model.forward(episode, mode: .training, replay: nil)
        let difference = model.decisions.firstDifference(from: recorded)
        if difference != nil {
            model.reset()
            result = try model.forward(episode, mode: .training, replay: recorded)
        }
        let dx = try model.backward(outputGradient: nil)
        var fields = [compare("loss", [file.loss], [result.loss]), compare("outputs", file.outputs.values, result.outputs)]
        for s in model.parameters.slices {
            fields.append(compare("gradients.\(s.name)", file.gradients[s.name]!.values, Array(model.parameters.gradient(s.name))))
        }
        fields.append(compare("inputGradient", file.inputGradient.values, dx))
        return CaseCheck(file: path, fields: fields,
                         decisionDifference: difference.map { "recomputed vs file: \($0)" })
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
        if let decisionDifference { lines.append("decisions DISAGREE: \(decisionDifference)") }
        lines.append("verdict: " + (exact ? "exact agreement" : agrees ? "agreement within \(format(Self.relativeTolerance)) relative"
            : "DISAGREEMENT"))
        return lines.joined(separator: "\n")
    }
}
