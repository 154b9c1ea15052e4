import Foundation
import Testing
import OutputFiles
import MemoryModels
@testable import Verification

/// float32 case files (`verify --dump-case DIR --precision float`, `"precision": "float32"`): judged by
/// `--check-case` with the Float-derived bound (`FloatBound`), not the float64 rule.
@Suite struct FloatCaseFileTests {
    /// Writes `file` to a fresh directory and checks it.
    static func check(_ file: CaseFile) throws -> CaseCheck {
        let dir = CaseFileTests.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try AtomicFile.writeJSON(file, to: dir + "/case.json")
        return try CaseCheck.run(path: dir)
    }

    /// `file` with the largest entry of gradient block `name` (or `inputGradient`) scaled by 1 + ρ.
    static func faulted(_ file: CaseFile, _ name: String, _ rho: Double) -> CaseFile {
        var f = file
        let t = name == "inputGradient" ? f.inputGradient : f.gradients[name]!
        var v = t.values
        let i = v.indices.max { abs(v[$0]) < abs(v[$1]) }!
        v[i] *= 1 + rho
        if name == "inputGradient" { f.inputGradient = Tensor(shape: t.shape, values: v) }
        else { f.gradients[name] = Tensor(shape: t.shape, values: v) }
        return f
    }

    /// A dumped float32 case agrees under the Float bound; the same values judged as float64 (the
    /// precision field removed) DISAGREE: the field is what makes a float32 implementation checkable.
    @Test(arguments: ModelKind.allCases) func floatCaseAgreesAndThePrecisionFieldMatters(_ model: ModelKind) throws {
        let file = try CaseFile.makeFloat(try Cases.small(model))
        #expect(file.precision == .float32)
        let check = try Self.check(file)
        #expect(check.agrees && check.precision == .float32, "\(check.text)")
        #expect(check.fields.allSatisfy { $0.verdict == .agree }, "\(check.text)")
        var asDouble = file
        asDouble.precision = nil
        let strict = try Self.check(asDouble)
        #expect(!strict.agrees && strict.precision == .float64, "\(strict.text)")
        #expect(strict.fields.contains { $0.verdict == .disagree })
    }

    /// A 1e-3 relative change of one gradient entry (the largest of output.W, interface.W and dL/dx)
    /// DISAGREEs on that field alone; a reversed selected-row list is a decision mismatch.
    @Test(arguments: ModelKind.allCases) func floatCaseCatchesOneEntryAndReversedRows(_ model: ModelKind) throws {
        let file = try CaseFile.makeFloat(try Cases.small(model))
        for name in ["output.W", "interface.W", "inputGradient"] {
            let check = try Self.check(Self.faulted(file, name, 1e-3))
            let field = name == "inputGradient" ? name : "gradients.\(name)"
            #expect(!check.agrees && check.fields.filter { $0.verdict == .disagree }.map(\.name) == [field], "\(check.text)")
        }
        guard model.readsSelectedRows else { return }
        var reversed = file
        reversed.decisions[2].selected[1].reverse()
        let check = try Self.check(reversed)
        #expect(!check.agrees && check.decisionMismatches.contains { $0.step == 3 }, "\(check.text)")
    }

    /// The float32 point must be float32 values; a bad precision names the valid ones.
    @Test func floatCaseValidation() throws {
        var file = try CaseFile.makeFloat(try Cases.small(.sam))
        var w = file.parameters["lstm.Wx"]!.values
        w[0] = 0.1
        file.parameters["lstm.Wx"] = Tensor(shape: file.parameters["lstm.Wx"]!.shape, values: w)
        #expect { try Self.check(file) } throws: { "\($0)".contains("parameters.lstm.Wx.values[0]: 0.1 is not a float32 value") }
        let dir = CaseFileTests.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try CaseFile.dump(try Cases.small(.sam), to: dir, precision: .float32)
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\"float32\"", with: "\"float16\"")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try CaseCheck.run(path: path) } throws: { "\($0)".contains("precision") && "\($0)".contains("valid: float32, float64") }
    }
}
