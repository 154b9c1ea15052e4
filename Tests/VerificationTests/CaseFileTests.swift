import Foundation
import Testing
import OutputFiles
import MemoryModels
@testable import Verification

/// Case files: written by --dump-case, read back by --check-case in exact agreement; malformed files
/// give errors naming the field.
@Suite struct CaseFileTests {
    static func directory() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("samkit-case-\(UUID().uuidString)").path
        return d
    }

    @Test(arguments: ModelKind.allCases) func dumpedCaseChecksInExactAgreement(_ model: ModelKind) throws {
        let dir = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try CaseFile.dump(try Cases.small(model), to: dir)
        #expect(path.hasSuffix("case.json"))
        let check = try CaseCheck.run(path: dir)
        #expect(check.exact && check.agrees, "\(check.text)")
        let file = try CaseFile.read(path: path)
        #expect(file.decisions.count == 4)
        #expect(file.decisions.allSatisfy { $0.selected.count == (model == .sam ? 2 : 0) })
        #expect(Set(file.parameters.keys) == ["lstm.Wx", "lstm.Wh", "lstm.b", "interface.W", "interface.b", "output.W", "output.b"])
        #expect(file.parameters["lstm.Wx"]!.shape == [16, 3 + 2 * 3])
    }

    /// Edits the JSON of a dumped case and expects `check-case` to name `field`.
    func expectError(naming field: String, _ edit: (inout [String: Any]) -> Void) throws {
        let dir = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try CaseFile.dump(try Cases.small(.sam), to: dir)
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        edit(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        do {
            _ = try CaseCheck.run(path: path)
            Issue.record("no error for a case file with a bad \(field)")
        } catch let error as CaseFileError {
            #expect(error.description.contains(field), "\(error)")
        }
    }

    @Test func malformedCaseFilesNameTheField() throws {
        try expectError(naming: "loss") { $0["loss"] = nil }
        try expectError(naming: "parameters.lstm.Wh") { json in
            var p = json["parameters"] as! [String: Any]
            p["lstm.Wh"] = nil
            json["parameters"] = p
        }
        try expectError(naming: "gradients.output.W.shape") { json in
            var g = json["gradients"] as! [String: Any]
            var w = g["output.W"] as! [String: Any]
            w["shape"] = [3, 3]
            g["output.W"] = w
            json["gradients"] = g
        }
        try expectError(naming: "inputs.values") { json in
            var x = json["inputs"] as! [String: Any]
            x["values"] = [1.0, 2.0]
            json["inputs"] = x
        }
        try expectError(naming: "outputs.values[1]") { json in
            var y = json["outputs"] as! [String: Any]
            var v = y["values"] as! [Any]
            v[1] = "nan"
            y["values"] = v
            json["outputs"] = y
        }
        try expectError(naming: "mask.values[0]") { json in
            var m = json["mask"] as! [String: Any]
            m["values"] = [0.5, 1, 1, 1]
            json["mask"] = m
        }
        try expectError(naming: "decisions[2].selected[1]") { json in
            var d = json["decisions"] as! [[String: Any]]
            d[2]["selected"] = [[0, 1], [3, 3]]
            json["decisions"] = d
        }
        try expectError(naming: "decisions") { json in
            var d = json["decisions"] as! [[String: Any]]
            d.removeLast()
            json["decisions"] = d
        }
        try expectError(naming: "configuration") { json in
            var c = json["configuration"] as! [String: Any]
            c["neighbours"] = 99
            json["configuration"] = c
        }
        try expectError(naming: "initialMemory.values[0]") { json in
            var m = json["initialMemory"] as! [String: Any]
            var v = m["values"] as! [Double]
            v[0] += 0.25
            m["values"] = v
            json["initialMemory"] = m
        }
    }

    /// A case whose numbers were changed (as another implementation might get them wrong) disagrees.
    @Test func wrongGradientsDisagree() throws {
        let dir = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var file = try CaseFile.make(try Cases.small(.dam))
        let w = file.gradients["interface.W"]!
        file.gradients["interface.W"] = Tensor(shape: w.shape, values: w.values.map { $0 * 1.001 })
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try AtomicFile.writeJSON(file, to: dir + "/case.json")
        let check = try CaseCheck.run(path: dir)
        #expect(!check.agrees)
        #expect(check.text.contains("gradients.interface.W") && check.text.contains("DISAGREE"))
    }
}
