import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Error messages a person can act on (README "Exit codes"): a decoding error names the field (as a
/// dotted path), the bad value when the input is at hand, and what is valid; file errors name the
/// path and the reason. No Foundation error domains, Swift type names or decoder dumps.
public enum InputErrorText {
    /// The accepted raw values of the enumerations a file may hold, by type name: an unknown value is
    /// then reported with the list of valid ones (`accepted(ModelKind.self, IndexKind.self)`).
    public typealias Accepted = [String: [String]]

    /// The `Accepted` table of some string enumerations.
    public static func accepted(_ types: any (CaseIterable & RawRepresentable).Type...) -> Accepted {
        var table: Accepted = [:]
        for type in types { table[String(describing: type)] = rawValues(type) }
        return table
    }

    private static func rawValues<T: CaseIterable & RawRepresentable>(_: T.Type) -> [String] {
        T.allCases.map { "\($0.rawValue)" }
    }

    /// Describes `error`; `input` (the JSON that failed to decode), when given, supplies the bad value;
    /// `accepted` lists the valid values of the enumerations the input may hold.
    public static func describe(_ error: any Error, input: Data? = nil, accepted: Accepted = [:]) -> String {
        if let decoding = error as? DecodingError {
            let (field, problem) = parts(decoding, input: input, accepted: accepted)
            return field.map { "field \($0)\(problem)" } ?? problem
        }
        if let cocoa = error as? CocoaError { return describe(cocoa) }
        return "\(error)"
    }

    /// The JSON field path of a coding path: `configuration.hidden`, `points[3].seconds`.
    public static func field(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let i = key.intValue { text += "[\(i)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text.isEmpty ? "(top level)" : text
    }

    /// A decoding error as the field it names (nil: the whole input) and the problem, which starts with
    /// " = <value>" when the bad value is at hand, then ": ..." or " is ...". The one rendering of
    /// decoding errors: `describe` joins the parts, and the gate's baseline errors use them as they are.
    public static func parts(_ error: DecodingError, input: Data?, accepted: Accepted = [:]) -> (field: String?, problem: String) {
        switch error {
        case let .typeMismatch(type, context):
            return (field(context.codingPath), "\(value(at: context.codingPath, in: input)): expected \(kind(type))")
        case let .valueNotFound(type, context):
            return (field(context.codingPath), " is null: expected \(kind(type))")
        case let .keyNotFound(key, context):
            return (field(context.codingPath + [key]), " is missing")
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty {
                // Foundation's decoder calls valid JSON holding a number too large for 64 bits "not valid JSON".
                if let input, let (path, number) = hugeNumber(in: input) {
                    return (path, " = \(number) is out of range (valid: a number within 64-bit integer range)")
                }
                let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
                return (nil, "not valid JSON" + (detail.map { ": \(plain($0))" } ?? ""))
            }
            return (field(context.codingPath),
                    "\(value(at: context.codingPath, in: input)): \(plain(context.debugDescription, accepted: accepted))")
        @unknown default:
            return (nil, "cannot be decoded")
        }
    }

    static func describe(_ error: CocoaError) -> String {
        let path = (error.userInfo[NSFilePathErrorKey] as? String) ?? error.filePath ?? "the file"
        let reason: String
        switch error.code {
        case .fileReadNoSuchFile, .fileNoSuchFile: reason = "no such file"
        case .fileReadNoPermission, .fileWriteNoPermission: reason = "permission denied"
        case .fileReadCorruptFile: reason = "not valid JSON"
        case .fileWriteOutOfSpace: reason = "no space left on the device"
        case .fileWriteVolumeReadOnly: reason = "read-only file system"
        default:
            let underlying = (error.userInfo[NSUnderlyingErrorKey] as? NSError).map { String(cString: strerror(Int32($0.code))) }
            reason = underlying ?? "cannot be read or written"
        }
        return "\(path): \(reason)"
    }

    /// " = <value>" from the input at `path`, or "" when the input or the value is not at hand.
    static func value(at path: [any CodingKey], in input: Data?) -> String {
        guard let input, var node = try? JSONSerialization.jsonObject(with: input, options: [.fragmentsAllowed]) else { return "" }
        for key in path {
            if let i = key.intValue, let array = node as? [Any], array.indices.contains(i) { node = array[i] }
            else if let object = node as? [String: Any], let next = object[key.stringValue] { node = next }
            else { return "" }
        }
        switch node {
        case let s as String: return " = \"\(s)\""
        case let n as NSNumber: return " = \(n)"
        case is [Any]: return " = a list"
        case is [String: Any]: return " = an object"
        default: return " = null"
        }
    }

    /// The first whole number of magnitude ≥ 2^63 in valid JSON `input`, with its field path.
    static func hugeNumber(in input: Data) -> (String, String)? {
        guard let root = try? JSONSerialization.jsonObject(with: input, options: [.fragmentsAllowed]) else { return nil }
        func walk(_ node: Any, _ path: String) -> (String, String)? {
            switch node {
            case let object as [String: Any]:
                for key in object.keys.sorted() {
                    if let found = walk(object[key]!, path.isEmpty ? key : "\(path).\(key)") { return found }
                }
            case let array as [Any]:
                for (i, element) in array.enumerated() { if let found = walk(element, "\(path)[\(i)]") { return found } }
            case let number as NSNumber:
                if !(number is Bool), abs(number.doubleValue) >= 9.223372036854775807e18, number.doubleValue.rounded() == number.doubleValue {
                    return (path.isEmpty ? "(top level)" : path, number.stringValue)
                }
            default: break
            }
            return nil
        }
        return walk(root, "")
    }

    /// What a Swift type means in JSON.
    public static func kind(_ type: Any.Type) -> String {
        switch type {
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type: "a whole number"
        case is UInt64.Type, is UInt32.Type, is UInt.Type: "a whole number >= 0"
        case is Double.Type, is Float.Type: "a number"
        case is String.Type: "a string"
        default:
            String(describing: type).hasPrefix("Array") ? "a list"
                : String(describing: type).hasPrefix("Dictionary") ? "an object" : "a value of another form"
        }
    }

    /// A decoder's sentence without Swift type names ("Cannot initialize IndexKind from invalid String
    /// value x" → "'x' is not an accepted value"; "Parsed JSON number <n> does not fit in Int." → "n is
    /// out of the 64-bit integer range").
    public static func plain(_ text: String, accepted: Accepted = [:]) -> String {
        if let r = text.range(of: "from invalid "), let v = text.range(of: " value ", range: r.upperBound..<text.endIndex) {
            let type = text.range(of: "Cannot initialize ").map { String(text[$0.upperBound..<r.lowerBound]).trimmingCharacters(in: .whitespaces) }
            let valid = type.flatMap { t in accepted.first { t == $0.key || t.hasSuffix(".\($0.key)") || $0.key.hasSuffix(".\(t)") }?.value }
            return "'\(text[v.upperBound...])' is not an accepted value" + (valid.map { " (valid: \($0.joined(separator: ", ")))" } ?? "")
        }
        if text.hasPrefix("Parsed JSON number <"), let end = text.firstIndex(of: ">") {
            let number = text[text.index(text.startIndex, offsetBy: 20)..<end]
            return "\(number) is out of range (valid: a whole number of at most 64 bits)"
        }
        var t = text
        for (swift, json) in [("Dictionary<String, Any>", "an object"), ("Array<Any>", "a list"), ("Int", "a whole number"),
                              ("Double", "a number"), ("String", "a string")] {
            t = t.replacingOccurrences(of: swift, with: json)
        }
        return t
    }
}
