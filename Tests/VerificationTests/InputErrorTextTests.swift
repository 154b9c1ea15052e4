import Foundation
import MemoryModels
import OutputFiles
import Testing

/// Decoding errors become messages a person can act on: the field path, the bad value, what is
/// valid; no Swift type names, Foundation domains or decoder dumps (README "Exit codes").
@Suite struct InputErrorTextTests {
    struct Inner: Decodable { let hidden: Int; let index: IndexKindProbe }
    enum IndexKindProbe: String, Decodable, CaseIterable { case exact, kdtree }
    struct Outer: Decodable { let configuration: Inner; let steps: [Double] }

    func message(_ json: String) -> String {
        let data = Data(json.utf8)
        do { _ = try JSONDecoder().decode(Outer.self, from: data); return "decoded" } catch {
            return InputErrorText.describe(error, input: data, accepted: InputErrorText.accepted(IndexKindProbe.self))
        }
    }

    @Test func anUnknownEnumerationValueListsTheValidOnes() {
        let text = message(#"{"configuration": {"hidden": 3, "index": "foo"}, "steps": []}"#)
        #expect(text.contains("'foo' is not an accepted value (valid: exact, kdtree)"), "\(text)")
    }

    static let forbidden = ["Swift.", "Int", "Dictionary<", "Expected to decode", "Cannot initialize", "NSCocoaErrorDomain",
                            "codingPath", "DecodingError", "IndexKindProbe"]

    @Test(arguments: [
        (#"{"configuration": {"hidden": "x", "index": "exact"}, "steps": []}"#, "configuration.hidden = \"x\": expected a whole number"),
        (#"{"configuration": {"hidden": 3, "index": "foo"}, "steps": []}"#, "configuration.index = \"foo\": 'foo' is not an accepted value"),
        (#"{"configuration": {"index": "exact"}, "steps": []}"#, "configuration.hidden is missing"),
        (#"{"configuration": {"hidden": 3, "index": "exact"}, "steps": [1, "a"]}"#, "steps[1] = \"a\": expected a number"),
        (#"{"configuration": {"hidden": 99999999999999999999, "index": "exact"}, "steps": []}"#, "configuration.hidden"),
        (#"{"configuration": "#, "not valid JSON"),
    ])
    func decodingErrorsNameFieldAndValue(json: String, expected: String) {
        let text = message(json)
        #expect(text.contains(expected), "\(text)")
        for word in Self.forbidden { #expect(!text.contains(word), "'\(word)' in: \(text)") }
    }
}
