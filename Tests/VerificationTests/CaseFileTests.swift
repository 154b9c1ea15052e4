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
        #expect(file.decisions.allSatisfy { $0.selected.count == (model.readsSelectedRows ? 2 : 0) })
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
    }

    /// Writes `file` to a fresh directory and checks it.
    func check(_ file: CaseFile) throws -> CaseCheck {
        let dir = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try AtomicFile.writeJSON(file, to: dir + "/case.json")
        return try CaseCheck.run(path: dir)
    }

    /// Selected rows reversed (no longer best first) at one step: reported as that step's mismatch, and
    /// the other steps stay in agreement (each step is judged on the file's own history).
    @Test func reversedSelectedRowsAreReported() throws {
        var file = try CaseFile.make(try Cases.small(.sam))
        file.decisions[2].selected[1].reverse()
        let check = try check(file)
        #expect(!check.agrees)
        #expect(check.decisionMismatches.map(\.step) == [3], "\(check.text)")
        #expect(check.decisionMismatches.first?.field == "selected[1]")
        #expect(check.text.contains("decision DISAGREES: step 3 selected[1]"), "\(check.text)")
    }

    /// A wrong least-recently-used row at one step is reported, naming the recomputed rows.
    @Test(arguments: ModelKind.allCases) func wrongLeastUsedRowIsReported(_ model: ModelKind) throws {
        var file = try CaseFile.make(try Cases.small(model))
        let n = file.configuration.memoryWords
        let right = file.decisions[1].leastUsed
        let wrong = (0..<n).first { !right.contains($0) }!
        file.decisions[1].leastUsed[0] = wrong
        let check = try check(file)
        #expect(!check.agrees)
        let m = try #require(check.decisionMismatches.first { $0.field == "leastUsed" }, "\(check.text)")
        #expect(m.step == 2 && m.recomputed == right && m.file.first == wrong)
    }

    /// Any valid case is accepted: a mask with zeros and an explicit initial memory (not the
    /// configuration's own initialisation) check in exact agreement; scaling M_0 after the fact makes
    /// the numbers disagree.
    @Test func masksWithZerosAndAnExplicitMemoryAreAccepted() throws {
        let c = try Cases.small(.sam), cf = c.configuration
        let base = try c.episode()
        let episode = try Episode<Double>(configuration: cf, inputs: base.inputs, targets: base.targets, mask: [1, 0, 1, 0])
        let memory = (0..<(cf.memoryWords * cf.wordSize)).map { Double(($0 * 37) % 11) / 11 - 0.45 }
        var file = try CaseFile.make(c, episode: episode, initialMemory: memory)
        #expect(file.mask.values == [1, 0, 1, 0] && file.initialMemory.values == memory)
        let clean = try check(file)
        #expect(clean.exact, "\(clean.text)")
        file.initialMemory = Tensor(shape: file.initialMemory.shape, values: memory.map { $0 * 1.5 })
        #expect(!(try check(file)).agrees)
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

    /// `verify --memory file:PATH`: a given M_0 is every generated case's M_0 (the model starts from
    /// it), the replay check holds on it, and values of the wrong count are refused naming the field.
    @Test(arguments: [ModelKind.sam, .dam]) func givenInitialMemoryIsEveryCasesM0(_ model: ModelKind) throws {
        let memory: [Double] = (0..<15).map { (i: Int) -> Double in Double((i * 37) % 11) / 11.0 - 0.45 }
        var ranges = CaseRanges.toy
        ranges.memoryWords = 5...5
        ranges.wordSize = 3...3
        ranges.initialMemory = memory
        let c = try CaseGenerator(seed: 3, ranges: ranges).makeCase(0, model: model)
        let m = try c.makeModel()
        m.reset()
        #expect(m.memory.snapshot() == memory)
        let r = Verifier.run(c, check: .replay)
        #expect(r.passed, "\(r.report)")
        ranges.wordSize = 2...2
        #expect(throws: ConfigurationError.self) { try CaseGenerator(seed: 3, ranges: ranges).makeCase(0, model: model) }
    }
}

