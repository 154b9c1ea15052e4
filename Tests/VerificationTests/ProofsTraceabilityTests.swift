import Foundation
import Testing

/// Every file in Proofs/ names the checks that test its claims; each named check must exist as a
/// `func NAME` in Tests/, and every differentiable operation must have a proof.
///
/// Named checks are the backticked identifiers that open a list item of a "## Checked by" section
/// ("- `samMatchesFiniteDifferences`: ..."), those on a "*Tests:*" line (complexity-fit.md), and any
/// written right after the word "test" ("(test `tinySweepGivesPerSizeRecords`)", complexity-claims.md).
@Suite struct ProofsTraceabilityTests {
    static let operations = ["lstm-cell", "interface-activations", "cosine-similarity", "sparse-softmax",
                             "dense-softmax", "read", "write", "output-layer", "losses"]

    /// The package root: three levels up from this file (Tests/VerificationTests/<file>).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func proofFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: root.appendingPathComponent("Proofs"), includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "md" && $0.lastPathComponent != "README.md" }
    }

    /// Backticked identifiers in `line`.
    static func identifiers(_ line: Substring) -> [String] {
        line.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
            .filter { $0.first.map { $0.isLetter || $0 == "_" } == true && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }
    }

    /// The checks a proof names.
    static func namedChecks(_ text: String) -> [String] {
        var names: [String] = [], inCheckedBy = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("#") { inCheckedBy = line.lowercased().contains("checked by") }
            if inCheckedBy, line.hasPrefix("- `") { names += identifiers(line).prefix(1) }
            if line.hasPrefix("*Tests:*") { names += identifiers(line) }
            var rest = line[...]
            while let r = rest.range(of: "test `") {
                names += identifiers(rest[rest.index(before: r.upperBound)...]).prefix(1)
                rest = rest[r.upperBound...]
            }
        }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// Concatenated Swift sources under Tests/.
    static func testSources() throws -> String {
        let tests = root.appendingPathComponent("Tests")
        var text = ""
        for case let url as URL in FileManager.default.enumerator(at: tests, includingPropertiesForKeys: nil)!
        where url.pathExtension == "swift" {
            text += try String(contentsOf: url, encoding: .utf8) + "\n"
        }
        return text
    }

    @Test func everyNamedCheckExists() throws {
        let sources = try Self.testSources()
        var total = 0
        for file in try Self.proofFiles() {
            let names = Self.namedChecks(try String(contentsOf: file, encoding: .utf8))
            #expect(!names.isEmpty, "\(file.lastPathComponent) names no checks (expected a \"## Checked by\" section)")
            for name in names {
                total += 1
                let exists = sources.range(of: "func \(name)(") != nil || sources.range(of: "func \(name)<") != nil
                #expect(exists, "\(file.lastPathComponent) names `\(name)`, but no `func \(name)` exists in Tests/")
            }
        }
        print("proofs traceability: \(total) named checks, all found")
    }

    /// Concatenated Swift sources under Sources/, and the module (directory) names.
    static func productSources() throws -> (text: String, modules: Set<String>) {
        let sources = root.appendingPathComponent("Sources")
        var text = ""
        for case let url as URL in FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        where url.pathExtension == "swift" {
            text += try String(contentsOf: url, encoding: .utf8) + "\n"
        }
        return (text, Set(try FileManager.default.contentsOfDirectory(atPath: sources.path)))
    }

    /// The code a proof cites: `Type` or `Type.member` (backticked, capitalised), and file paths
    /// Sources/….swift.
    static func citations(_ text: String) -> (symbols: [String], paths: [String]) {
        let symbols = text.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
            .filter { $0.wholeMatch(of: /[A-Z][A-Za-z0-9]*(\.[a-zA-Z_][A-Za-z0-9_]*)?/) != nil }
        let paths = text.matches(of: /Sources\/[A-Za-z0-9_+\/.-]+\.swift/).map { String($0.output) }
        return (symbols, paths)
    }

    /// Proofs cite symbols, not line numbers (which move): every cited type and member exists in
    /// Sources/, every cited file exists, and no "line N" citation is left.
    @Test func everyCitedSymbolExists() throws {
        let (sources, modules) = try Self.productSources()
        let standard: Set<String> = ["Int", "Int32", "Double", "Float", "Bool", "String", "UInt64"]
        // Every declared type and member name, collected in one pass each (a Regex per cited symbol
        // over all of Sources/ took minutes in a debug build).
        func declared(_ pattern: Regex<(Substring, Substring, Substring)>) -> Set<String> {
            Set(sources.matches(of: pattern).map { String($0.output.2) })
        }
        let types = declared(/\b(class|struct|enum|protocol|extension|typealias)\s+([A-Za-z_][A-Za-z0-9_]*)\b/)
        let members = declared(/\b(func|var|let|case)\s+([A-Za-z_][A-Za-z0-9_]*)\b/)
        var total = 0
        for file in try Self.proofFiles() + [Self.root.appendingPathComponent("Proofs/README.md")] {
            let text = try String(contentsOf: file, encoding: .utf8), name = file.lastPathComponent
            let (symbols, paths) = Self.citations(text)
            for symbol in Set(symbols) {
                total += 1
                let parts = symbol.split(separator: ".").map(String.init)
                if standard.contains(parts[0]) || (parts.count == 1 && modules.contains(parts[0])) { continue }
                let typeFound = types.contains(parts[0])
                #expect(typeFound, "\(name) cites `\(symbol)`, but no type \(parts[0]) exists in Sources/")
                if parts.count == 2 {
                    let memberFound = members.contains(parts[1])
                    #expect(memberFound, "\(name) cites `\(symbol)`, but no member \(parts[1]) exists in Sources/")
                }
            }
            for path in Set(paths) {
                #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(path).path),
                        "\(name) cites \(path), which does not exist")
            }
            #expect(text.firstMatch(of: /\blines? [0-9]+/) == nil, "\(name) cites a line number; cite the symbol")
        }
        print("proofs traceability: \(total) cited symbols, all found")
    }

    @Test func citationExtractionFindsSymbolsAndPaths() {
        let c = Self.citations("`SAM.backward` (Sources/MemoryModels/SAM+Backward.swift) and `Journal`, not `dM` or `a + b`.")
        #expect(c.symbols == ["SAM.backward", "Journal"])
        #expect(c.paths == ["Sources/MemoryModels/SAM+Backward.swift"])
    }

    @Test func everyDifferentiableOperationHasAProof() throws {
        let present = Set(try Self.proofFiles().map { $0.deletingPathExtension().lastPathComponent })
        for operation in Self.operations {
            #expect(present.contains(operation), "differentiable operation \(operation) has no Proofs/\(operation).md")
        }
    }

    @Test func extractionFindsListedAndInlineChecks() {
        let text = "# X\n## Checked by\n\n- `aCheck`: text with `notACheck`.\n- `bCheck`: more\n## Next\n- `notEither`\n"
            + "*Tests:* `c1`, `c2`.\nequal to the byte (test `d1`), see `notThis`.\n"
        #expect(Self.namedChecks(text) == ["aCheck", "bCheck", "c1", "c2", "d1"])
    }
}
