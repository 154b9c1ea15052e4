import Foundation
import Testing
import OutputFiles
import MemoryModels
@testable import Verification

/// The SDNC's `decisions[t].linkCuts` in case files (docs/case-format.md): written under the full link
/// gradient, checked exactly, optional (files without it stay valid), and bad values refused naming
/// the field, the value and what is valid.
@Suite struct LinkCutsCaseFileTests {
    static func fullCase() throws -> VerificationCase { try Cases.small(.sdnc).with(linkGradient: .full) }

    /// Writes `file` (or its JSON edited by `edit`) to a fresh directory and checks it.
    static func check(_ file: CaseFile, _ edit: ((inout [String: Any]) -> Void)? = nil) throws -> CaseCheck {
        let dir = CaseFileTests.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try AtomicFile.writeJSON(file, to: dir + "/case.json")
        if let edit {
            let url = URL(fileURLWithPath: dir + "/case.json")
            var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
            edit(&json)
            try JSONSerialization.data(withJSONObject: json).write(to: url)
        }
        return try CaseCheck.run(path: dir)
    }

    /// Each step of a full-gradient case holds its cuts; the file checks exactly, matches the schema,
    /// and the recorded-gradient case holds none (its cuts change no value).
    @Test func fullGradientCasesHoldTheirCutsAndCheckExactly() throws {
        let file = try CaseFile.make(try Self.fullCase())
        #expect(file.decisions.allSatisfy { $0.linkCuts != nil })
        #expect(file.decisions.contains { !($0.linkCuts?.forward.isEmpty ?? true) && !($0.linkCuts?.backward.isEmpty ?? true) })
        let check = try Self.check(file)
        #expect(check.exact, "\(check.text)")
        let schema = try CaseFormatSchemaTests.schema()
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(file))
        let found = CaseFormatSchemaTests.errors(json, schema, root: schema)
        #expect(found.isEmpty, "\(found.prefix(5))")
        #expect(try CaseFile.make(try Cases.small(.sdnc)).decisions.allSatisfy { $0.linkCuts == nil })
    }

    /// A file without `linkCuts` (as written before the field existed) is valid and checks exactly.
    @Test func filesWithoutCutsStayValid() throws {
        let check = try Self.check(try CaseFile.make(try Self.fullCase())) { json in
            json["decisions"] = (json["decisions"] as! [[String: Any]]).map { var d = $0; d["linkCuts"] = nil; return d }
        }
        #expect(check.exact, "\(check.text)")
    }

    /// Bad values name the field: out of range, repeated, a self-link, the field on a model without
    /// sparse links, and a held cut the replayed update cannot make (a column that is no candidate).
    @Test func badCutsNameTheField() throws {
        let file = try CaseFile.make(try Self.fullCase())
        let step = try #require(file.decisions.firstIndex { !($0.linkCuts?.backward.isEmpty ?? true) })
        let row = file.decisions[step].linkCuts!.backward[0].row, n = file.configuration.memoryWords
        func expectError(_ field: String, _ detail: String, _ edit: (inout CaseFile) throws -> Void) throws {
            var bad = file
            try edit(&bad)
            do {
                _ = try Self.check(bad)
                Issue.record("no error for \(field)")
            } catch let error as CaseFileError {
                #expect(error.description.contains(field) && error.description.contains(detail), "\(error)")
            } catch { Issue.record("\(field): \(error)") }
        }
        try expectError("decisions[\(step)].linkCuts.backward[0].columns", "0..<\(n)") {
            $0.decisions[step].linkCuts!.backward[0].columns = [n]
        }
        try expectError("decisions[\(step)].linkCuts.backward[0].columns", "none the row") {
            $0.decisions[step].linkCuts!.backward[0].columns = [row]
        }
        try expectError("decisions[0].linkCuts.precedence", "distinct") { $0.decisions[0].linkCuts!.precedence = [1, 1] }
        try expectError("decisions[0].linkCuts.forward[0].row", "0..<\(n)") { $0.decisions[0].linkCuts!.forward[0].row = -1 }
        try expectError("decisions[0].linkCuts", "expected absent") {   // dense links cut nothing
            $0.configuration = try $0.configuration.with(temporalLinks: TemporalLinkSettings(entries: 3, gradient: .full, dense: true))
        }
        // At step 1 no row of N has a candidate (p_0 = 0): any held column misfits, found while replaying.
        try expectError("decisions[0].linkCuts.forward", "candidates") {
            let i = $0.decisions[0].linkCuts!.forward[0].row
            $0.decisions[0].linkCuts!.forward[0].columns = [(i + 1) % n]
        }
    }

    /// A wrong cut that the update can make (p_T keeping one row fewer, at the last step so that no later
    /// update merges other rows) is a decision mismatch of that step, naming the recomputed rows.
    @Test func wrongCutIsADecisionMismatch() throws {
        let file = try CaseFile.make(try Self.fullCase())
        let step = file.decisions.count - 1
        try #require(!(file.decisions[step].linkCuts?.precedence.isEmpty ?? true))
        var bad = file
        let kept = file.decisions[step].linkCuts!.precedence
        bad.decisions[step].linkCuts!.precedence = Array(kept.dropLast())
        let check = try Self.check(bad)
        #expect(!check.agrees)
        let m = try #require(check.decisionMismatches.first { $0.field == "linkCuts.precedence" }, "\(check.text)")
        #expect(m.step == step + 1 && Set(m.recomputed) == Set(kept))
    }
}
