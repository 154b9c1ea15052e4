import Foundation
import Testing
import MemoryModels
@testable import Verification

/// docs/case-format.md's JSON Schema describes exactly what `--dump-case` writes.
@Suite struct CaseFormatSchemaTests {
    /// The schema: the first ```json block of docs/case-format.md.
    static func schema() throws -> [String: Any] {
        let url = ProofsTraceabilityTests.root.appendingPathComponent("docs/case-format.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let start = try #require(text.range(of: "```json\n")), end = try #require(text.range(of: "\n```", range: start.upperBound..<text.endIndex))
        return try JSONSerialization.jsonObject(with: Data(text[start.upperBound..<end.lowerBound].utf8)) as! [String: Any]
    }

    /// The errors of `value` against `schema` (the keywords the schema uses: $ref, type, const, enum,
    /// required, properties, additionalProperties, items, oneOf, minimum, maximum), with their paths.
    static func errors(_ value: Any, _ schema: [String: Any], root: [String: Any], path: String = "$") -> [String] {
        if let ref = schema["$ref"] as? String {
            let name = String(ref.split(separator: "/").last!)
            return errors(value, (root["$defs"] as! [String: Any])[name] as! [String: Any], root: root, path: path)
        }
        var found: [String] = []
        if let options = schema["oneOf"] as? [[String: Any]],
           options.filter({ errors(value, $0, root: root, path: path).isEmpty }).count != 1 {
            found.append("\(path): matches not exactly one of oneOf")
        }
        if let c = schema["const"], "\(c)" != "\(value)" { found.append("\(path): \(value) is not \(c)") }
        if let e = schema["enum"] as? [Any], !e.contains(where: { "\($0)" == "\(value)" }) { found.append("\(path): \(value) not in enum") }
        let number = (value as? NSNumber).map(\.doubleValue)
        if let m = schema["minimum"] as? Double, let x = number, x < m { found.append("\(path): \(x) < \(m)") }
        if let m = schema["maximum"] as? Double, let x = number, x > m { found.append("\(path): \(x) > \(m)") }
        switch schema["type"] as? String {
        case "object"?, nil where schema["properties"] != nil:
            guard let object = value as? [String: Any] else { return found + ["\(path): not an object"] }
            let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { found.append("\(path).\(key): missing") }
            for (key, v) in object {
                if let p = properties[key] { found += errors(v, p, root: root, path: "\(path).\(key)") }
                else if schema["additionalProperties"] as? Bool == false { found.append("\(path).\(key): not in the schema") }
            }
        case "array"?:
            guard let array = value as? [Any] else { return found + ["\(path): not an array"] }
            if let items = schema["items"] as? [String: Any] {
                for (i, v) in array.enumerated() { found += errors(v, items, root: root, path: "\(path)[\(i)]") }
            }
        case "integer"?: if number.map({ $0 != $0.rounded() }) ?? true { found.append("\(path): not an integer") }
        case "number"?: if number == nil { found.append("\(path): not a number") }
        default: break
        }
        return found
    }

    @Test(arguments: ModelKind.allCases) func caseFormatSchemaMatchesWhatSamkitWrites(_ model: ModelKind) throws {
        let schema = try Self.schema()
        for c in try [Cases.small(model)] + Cases.generated(model, count: 6) {
            for file in [try CaseFile.make(c), try CaseFile.makeFloat(c)] {   // float64 and float32 (`precision`)
                let data = try JSONEncoder().encode(file)
                let json = try JSONSerialization.jsonObject(with: data)
                let found = Self.errors(json, schema, root: schema)
                #expect(found.isEmpty, "\(c) \(file.judgedPrecision): \(found.prefix(5))")
            }
        }
        // The validator can fail: a missing field, an extra field and a wrong enum are each named.
        var broken = try JSONSerialization.jsonObject(with: JSONEncoder().encode(try CaseFile.make(try Cases.small(model)))) as! [String: Any]
        broken["loss"] = nil
        broken["extra"] = 1
        broken["model"] = "lstm"
        let found = Self.errors(broken, schema, root: schema)
        for needle in ["$.loss: missing", "$.extra: not in the schema", "$.model: lstm not in enum"] {
            #expect(found.contains(needle), "\(found)")
        }
    }
}
