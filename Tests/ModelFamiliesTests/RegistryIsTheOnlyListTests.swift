import Foundation
import MemoryModels
import ModelFamilies
import Testing

/// The registry (Sources/ModelFamilies) is the only place that lists model families: no other
/// source file declares or switches over them, or names two of them on one line (an array, a
/// dictionary, a `case` pattern, a help text "sam or dam").
@Suite struct RegistryIsTheOnlyListTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")
    static let registryFolder = sources.appendingPathComponent("ModelFamilies")

    /// The Swift names of the registry's families and variants (`.samKDTree`), read from the
    /// registry's own declarations, each with the command-line name it stands for.
    static func identifiers() throws -> [String: String] {
        let text = try String(contentsOf: registryFolder.appendingPathComponent("ModelRegistry.swift"), encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"static let (\w+) = (?:ModelKind|ProfiledModel)\(registered: "([\w-]+)"\)"#)
        var names: [String: String] = [:]
        for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            names[String(text[Range(m.range(at: 1), in: text)!])] = String(text[Range(m.range(at: 2), in: text)!])
        }
        return names
    }

    /// Every command-line name the registry knows (families and variants).
    static var commandLineNames: Set<String> {
        Set(ModelRegistry.families.map(\.name) + ProfiledModel.allCases.map(\.rawValue))
    }

    /// Each line of `text` that lists families, with the reason.
    static func listings(in text: String, identifiers: [String: String]) throws -> [String] {
        let alternatives = identifiers.keys.sorted { $0.count > $1.count }.joined(separator: "|")
        let member = try NSRegularExpression(pattern: #"(?:(?<![\w)\]?!])|(?:ModelKind|ProfiledModel))\.("# + alternatives + #")\b"#)
        let caseLabel = try NSRegularExpression(pattern: #"\bcase\s+\.?("# + alternatives + #")\b"#)
        let raw = commandLineNames.sorted { $0.count > $1.count }.map(NSRegularExpression.escapedPattern(for:)).joined(separator: "|")
        let quoted = try NSRegularExpression(pattern: #""("# + raw + #")""#)
        let prose = try NSRegularExpression(pattern: #"\b("# + raw + #")(?:,| or| and)\s+("# + raw + #")\b"#)
        var found: [String] = []
        for (number, line) in text.components(separatedBy: "\n").enumerated() {
            let range = NSRange(line.startIndex..., in: line)
            func captures(_ r: NSRegularExpression, _ group: Int = 1) -> [String] {
                r.matches(in: line, range: range).map { String(line[Range($0.range(at: group), in: line)!]) }
            }
            let named = Set(captures(member).map { identifiers[$0]! } + captures(quoted))
            if !captures(caseLabel).isEmpty { found.append("\(number + 1): a case over families: \(line)") }
            else if named.count >= 2 { found.append("\(number + 1): names \(named.sorted()): \(line)") }
            else if !captures(prose).isEmpty { found.append("\(number + 1): lists names in text: \(line)") }
        }
        return found
    }

    @Test func noSourceOutsideTheRegistryListsModelFamilies() throws {
        let identifiers = try Self.identifiers()
        #expect(Set(identifiers.values) == Self.commandLineNames.intersection(identifiers.values))
        #expect(identifiers.count >= ProfiledModel.allCases.count)
        let files = FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" && !$0.path.hasPrefix(Self.registryFolder.path + "/") }
        #expect(files.count > 50)
        var listings: [String] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            listings += try Self.listings(in: text, identifiers: identifiers)
                .map { "\(file.path.dropFirst(Self.sources.path.count + 1)):\($0)" }
        }
        #expect(listings.isEmpty, "model families listed outside the registry:\n\(listings.joined(separator: "\n"))")
    }

    /// The checker catches what it exists to catch (and passes a single reference).
    @Test func theCheckerFindsEachKindOfListing() throws {
        let identifiers = try Self.identifiers()
        for listing in ["case .dam: x", "case samExact = \"sam-exact\"", "let m: [ProfiledModel] = [.samKDTree, .dam]",
                        "oneOf(\"--model\", model, [\"sam\", \"dam\"])", "help: \"Model: sam or dam.\"",
                        "for m in [ProfiledModel.sdncKDTree, .sdncExact] {"] {
            #expect(try Self.listings(in: listing, identifiers: identifiers).count == 1, "\(listing)")
        }
        for single in ["if model == .dam { }", "counter(.dam, .allocationsPerStep)", "let x = layout.controller.count",
                       "series(.samKDTree)", "/// SAM and DAM share a controller."] {
            #expect(try Self.listings(in: single, identifiers: identifiers).isEmpty, "\(single)")
        }
    }
}

/// The registry keeps the names committed reports, baselines, case files and checkpoints use.
@Suite struct RegistryNamesTests {
    @Test func namesAndOrderAreTheCommittedOnes() {
        #expect(ModelKind.allCases.map(\.rawValue) == ["sam", "dam", "sdnc"])
        #expect(ProfiledModel.allCases.map(\.rawValue)
                == ["dam", "sam-exact", "sam-kdtree", "sam-lsh", "sam-kdtree-compact", "controller", "sdnc-kdtree", "sdnc-exact",
                   "dnc-dense"])
        #expect(ModelKind.allCases.map(\.description) == ["SAM", "DAM", "SDNC"])
        #expect(ProfiledModel(rawValue: "sam-hnsw") == nil && ModelKind(rawValue: "controller") == nil)
    }

    @Test func everyNameIsUniqueAndEveryFamilyBuilds() throws {
        #expect(Set(ModelRegistry.families.map(\.name)).count == ModelRegistry.families.count)
        #expect(Set(ProfiledModel.allCases).count == ModelRegistry.variants.count)
        for family in ModelRegistry.families {
            let c = try family.configuration(try ModelConfiguration(memoryWords: 16, wordSize: 4, heads: 1, neighbours: 2, hidden: 4, inputSize: 2, outputSize: 2))
            let model = try family.make(c, as: Float.self)
            #expect(model.configuration.memoryWords == c.memoryWords)
            if let twin = family.denseTwin { #expect(ModelKind(rawValue: twin) != nil) }
        }
    }

    @Test func codableAsTheirNames() throws {
        let data = try JSONEncoder().encode([ProfiledModel.dncDense: [ModelKind.sdnc]])
        #expect(String(decoding: data, as: UTF8.self) == #"{"dnc-dense":["sdnc"]}"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([ModelKind].self, from: Data(#"["rnn"]"#.utf8)) }
    }
}
