import Foundation
import Testing
@testable import Gate

/// The template names the same checks, on the same models and sizes and in the same order, as the
/// committed baseline (`gate --init` from it): building the template from the model-family registry
/// changed how it enumerates models, not what the gate checks.
@Suite struct TemplateMatchesBaselineTests {
    /// Each check's identity: its model(s), metric, sizes, seeds and counter names; not the measured figures.
    static func identities(_ data: Data) throws -> [String: [String]] {
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let keys: Set<String> = ["model", "metric", "size", "sizes", "compareSizes", "numerator", "denominator", "point",
                                 "checks", "cases", "quickCases", "seed", "expectedClass", "shortSteps", "longSteps", "steps",
                                 "linkGradient"]
        var found: [String: [String]] = [:]
        for section in ["counters", "complexity", "work", "ratios", "stepTimes", "memory", "gradients"] {
            found[section] = try (json[section] as? [[String: Any]] ?? []).map { entry in
                var kept = entry.filter { keys.contains($0.key) }
                if let perStep = entry["perStep"] as? [String: Any] { kept["perStep"] = perStep.keys.sorted() }
                if let growth = entry["growthFields"] as? [String: Any] { kept["growthFields"] = growth.keys.sorted() }
                return String(decoding: try JSONSerialization.data(withJSONObject: kept, options: .sortedKeys), as: UTF8.self)
            }
        }
        return found
    }

    @Test func templateNamesTheCommittedBaselinesChecks() throws {
        let committed = try Self.identities(Data(contentsOf: URL(fileURLWithPath: baselinePath)))
        let template = try Self.identities(JSONEncoder().encode(Baseline.template()))
        #expect(committed.values.map(\.count).reduce(0, +) > 20)
        for section in committed.keys.sorted() {
            #expect(template[section] == committed[section], "\(section)")
        }
    }
}
