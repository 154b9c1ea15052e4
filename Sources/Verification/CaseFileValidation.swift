import Foundation
import MemoryModels
import NearestNeighbours
import OutputFiles

/// A malformed or inconsistent case file; the message names the field.
public struct CaseFileError: Error, CustomStringConvertible {
    /// The field at fault, as a JSON path (`configuration.hidden`) or the file.
    public let field: String
    /// What is wrong with it, with the bad value and what is valid.
    public let problem: String
    /// "case file: FIELD: PROBLEM".
    public var description: String { "case file: \(field): \(problem)" }
}

extension CaseFile {
    /// Reads DIR/case.json, or the file itself when `path` is a file, and validates it.
    public static func read(path: String) throws -> CaseFile {
        var isDirectory: ObjCBool = false
        let file = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            ? (path as NSString).appendingPathComponent(fileName) : path
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CaseFileError(field: file, problem: "cannot read the file")
        }
        let decoded: CaseFile
        do { decoded = try JSONDecoder().decode(CaseFile.self, from: data) } catch let error as DecodingError {
            throw CaseFileError(field: file, problem: InputErrorText.describe(error, input: data, accepted: InputErrorText.accepted(ModelKind.self, IndexKind.self, LossKind.self, CasePrecision.self)))
        } catch let error as ConfigurationError {
            throw CaseFileError(field: "configuration", problem: error.description)
        } catch {
            throw CaseFileError(field: file, problem: "not valid JSON: \(error)")
        }
        try decoded.validate()
        return decoded
    }

    /// Shapes against the configuration, finite numbers, mask in {0, 1}, decisions in range.
    public func validate() throws {
        let c = configuration, t = steps
        guard format == Self.formatName else { throw CaseFileError(field: "format", problem: "\"\(format)\", expected \"\(Self.formatName)\"") }
        guard version == 1 else { throw CaseFileError(field: "version", problem: "\(version), expected 1") }
        guard t >= 1 else { throw CaseFileError(field: "steps", problem: "\(t), expected 1 or more") }
        try Self.check("initialMemory", initialMemory, [c.memoryWords, c.wordSize])
        try Self.check("inputs", inputs, [t, c.inputSize])
        try Self.check("targets", targets, [t, c.outputSize])
        try Self.check("mask", mask, [t])
        if let i = mask.values.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw CaseFileError(field: "mask.values[\(i)]", problem: "\(mask.values[i]), expected 0 or 1")
        }
        try Self.check("outputs", outputs, [t, c.outputSize])
        guard loss.isFinite else { throw CaseFileError(field: "loss", problem: "\(loss) is not finite") }
        try Self.check("inputGradient", inputGradient, [t, c.inputSize])
        let layout = ParameterStore<Double>.layout(c)
        for (group, tensors) in [("parameters", parameters), ("gradients", gradients)] {
            for (name, shape) in layout {
                guard let tensor = tensors[name] else { throw CaseFileError(field: "\(group).\(name)", problem: "missing") }
                try Self.check("\(group).\(name)", tensor, shape)
            }
            if let extra = tensors.keys.sorted().first(where: { name in !layout.contains { $0.0 == name } }) {
                throw CaseFileError(field: "\(group).\(extra)", problem: "not a SPEC parameter name (\(layout.map(\.0).joined(separator: ", ")))")
            }
        }
        guard decisions.count == t else {
            throw CaseFileError(field: "decisions", problem: "\(decisions.count) steps, expected T = \(t)")
        }
        try RecordedDecisions(steps: decisions).validate(c, sparse: model.readsSelectedRows)
        if judgedPrecision == .float32 { try validateFloatPoint() }
    }

    /// A float32 case's point (parameters, M_0, inputs, targets) must be float32 values, so that the
    /// Double model starts from exactly the point the Float run was at (Proofs/float-precision.md).
    func validateFloatPoint() throws {
        let tensors = [("initialMemory", initialMemory), ("inputs", inputs), ("targets", targets)]
            + parameters.keys.sorted().map { ("parameters.\($0)", parameters[$0]!) }
        for (field, tensor) in tensors {
            if let i = tensor.values.firstIndex(where: { Double(Float($0)) != $0 }) {
                let v = tensor.values[i]
                throw CaseFileError(field: "\(field).values[\(i)]", problem: "\(v) is not a float32 value (precision float32: "
                    + "the point must be float32 values written as they are; valid: e.g. \(Double(Float(v))), or precision float64)")
            }
        }
    }

    /// A tensor's shape must be `shape`, its values product(shape) finite numbers.
    static func check(_ field: String, _ tensor: Tensor, _ shape: [Int]) throws {
        guard tensor.shape == shape else {
            throw CaseFileError(field: "\(field).shape", problem: "\(tensor.shape), expected \(shape)")
        }
        let count = shape.reduce(1, *)
        guard tensor.values.count == count else {
            throw CaseFileError(field: "\(field).values", problem: "\(tensor.values.count) numbers, expected \(count) for shape \(shape)")
        }
        if let i = tensor.values.firstIndex(where: { !$0.isFinite }) {
            throw CaseFileError(field: "\(field).values[\(i)]", problem: "\(tensor.values[i]) is not finite")
        }
    }
}

extension RecordedDecisions {
    /// Each step: R distinct least-used rows in 0..<N; selected: R lists of K distinct rows (SAM) or empty (DAM).
    func validate(_ c: ModelConfiguration, sparse: Bool) throws {
        let rows = 0..<c.memoryWords
        for (t, d) in steps.enumerated() {
            let field = "decisions[\(t)]"
            if d.leastUsed.count != c.heads || Set(d.leastUsed).count != c.heads || !d.leastUsed.allSatisfy(rows.contains) {
                throw CaseFileError(field: "\(field).leastUsed", problem: "\(d.leastUsed), expected R = \(c.heads) distinct rows in 0..<\(c.memoryWords)")
            }
            if !sparse {
                if !d.selected.isEmpty { throw CaseFileError(field: "\(field).selected", problem: "expected [] for DAM (it reads every row)") }
                continue
            }
            if d.selected.count != c.heads {
                throw CaseFileError(field: "\(field).selected", problem: "\(d.selected.count) lists, expected R = \(c.heads)")
            }
            for (j, s) in d.selected.enumerated() where s.count != c.neighbours || Set(s).count != s.count || !s.allSatisfy(rows.contains) {
                throw CaseFileError(field: "\(field).selected[\(j)]", problem: "\(s), expected K = \(c.neighbours) distinct rows in 0..<\(c.memoryWords)")
            }
            if let cuts = d.linkCuts { try Self.validate(cuts, c, field: "\(field).linkCuts") }
        }
    }

    /// An SDNC step's `linkCuts` (optional: files written before it hold none): only with sparse
    /// temporal links; rows and columns in 0..<N, at most K_L distinct per row, no self-link.
    static func validate(_ cuts: LinkCuts, _ c: ModelConfiguration, field: String) throws {
        guard let links = c.temporalLinks, !links.dense else {
            throw CaseFileError(field: field, problem: "present, expected absent: only an SDNC with sparse temporal links "
                + "(configuration.temporalLinks, dense false) cuts its links")
        }
        do { try cuts.validate(rows: c.memoryWords, entries: links.entries, field: field) } catch {
            guard case let .outOfRange(name, value, valid) = error else { throw error }
            throw CaseFileError(field: name, problem: "\(value), expected \(valid)")
        }
    }
}
