import Foundation

/// Valid inputs to break: a case file the binary dumps itself, and the committed measurements and
/// baseline (reports/), each mutated one field at a time.
enum Fixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func json(_ data: Data) -> Any { (try? JSONSerialization.jsonObject(with: data)) ?? [:] }
    static func bytes(_ value: Any) -> Data { (try? JSONSerialization.data(withJSONObject: value)) ?? Data() }

    /// reports/measurements.json and reports/baseline.json as committed.
    static let measurements = (try? Data(contentsOf: repository.appendingPathComponent("reports/measurements.json"))) ?? Data()
    static let baseline = (try? Data(contentsOf: repository.appendingPathComponent("reports/baseline.json"))) ?? Data()

    /// A case file written by `samkit verify --dump-case` (SAM, seed 1).
    static let caseFile: Data = {
        guard let binary = ProbeRunner.binary else { return Data() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("samkit-case-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["verify", "--dump-case", folder.path]
        process.standardOutput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return Data() }
        process.waitUntilExit()
        return (try? Data(contentsOf: folder.appendingPathComponent("case.json"))) ?? Data()
    }()

    /// `data` (JSON) with the value at `path` (object keys and array indices) replaced, or removed when `value` is nil.
    static func mutate(_ data: Data, _ path: [Any], to value: Any?) -> Data {
        bytes(set(json(data), path[...], value))
    }

    private static func set(_ node: Any, _ path: ArraySlice<Any>, _ value: Any?) -> Any {
        guard let key = path.first else { return value ?? NSNull() }
        if let index = key as? Int, var array = node as? [Any], array.indices.contains(index) {
            array[index] = set(array[index], path.dropFirst(), value)
            return array
        }
        if let name = key as? String, var object = node as? [String: Any] {
            if path.count == 1 && value == nil { object[name] = nil } else { object[name] = set(object[name] ?? [:], path.dropFirst(), value) }
            return object
        }
        return node
    }
}
