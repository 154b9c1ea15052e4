import Foundation

/// Bad input files: case files (`verify --check-case`), measurement files (`fit`) and baselines
/// (`gate --baseline`), each a valid file with one field broken, plus unreadable and malformed files.
enum FileProbes {
    static func caseFile(_ path: [Any], _ value: Any?, field: String, owner: String? = nil) -> Probe {
        Probe(area: "case file", arguments: ["verify", "--check-case", "c.json"],
              files: ["c.json": Fixtures.mutate(Fixtures.caseFile, path, to: value)], field: field, owner: owner,
              detail: "\(path.map { "\($0)" }.joined(separator: ".")) = \(value.map { "\($0)" } ?? "(removed)")")
    }

    static func measurements(_ path: [Any], _ value: Any?, field: String, owner: String? = "issue-11") -> Probe {
        Probe(area: "measurements", arguments: ["fit", "m.json", "--out", "out"],
              files: ["m.json": Fixtures.mutate(Fixtures.measurements, path, to: value)], field: field, owner: owner,
              detail: "\(path.map { "\($0)" }.joined(separator: ".")) = \(value.map { "\($0)" } ?? "(removed)")")
    }

    static func baseline(_ path: [Any], _ value: Any?, field: String, owner: String? = "issue-12") -> Probe {
        Probe(area: "baseline", arguments: ["gate", "--quick", "--baseline", "b.json", "--report", "gate.md"],
              files: ["b.json": Fixtures.mutate(Fixtures.baseline, path, to: value)], field: field, owner: owner,
              detail: "\(path.map { "\($0)" }.joined(separator: ".")) = \(value.map { "\($0)" } ?? "(removed)")")
    }

    /// `fit` into a folder whose `index-frontier.json` holds `bytes`, beside a valid measurements file.
    static func frontier(_ bytes: String, field: String) -> Probe {
        Probe(area: "frontier file", arguments: ["fit", "m.json", "--out", "out"],
              files: ["m.json": Fixtures.measurements, "out/index-frontier.json": Data(bytes.utf8)], field: field,
              detail: "out/index-frontier.json = '\(bytes)'")
    }

    static func raw(_ area: String, _ arguments: [String], _ name: String, _ bytes: String, field: String, owner: String?) -> Probe {
        Probe(area: area, arguments: arguments, files: [name: Data(bytes.utf8)], field: field, owner: owner,
              detail: "\(name) = '\(bytes)'")
    }

    static var all: [Probe] {
        let m0 = ["measurements", 0] as [Any]
        return [
            // Case files (verify --check-case): sizes, types, missing fields, enums, versions, syntax.
            caseFile(["configuration", "hidden"], 1 << 62, field: "hidden"),
            caseFile(["configuration", "memoryWords"], 1 << 62, field: "memoryWords"),
            caseFile(["configuration", "memoryWords"], -4, field: "memoryWords"),
            caseFile(["configuration", "wordSize"], 0, field: "wordSize"),
            caseFile(["configuration", "hidden"], "x", field: "hidden", owner: "issue-10"),
            caseFile(["configuration", "hidden"], nil, field: "hidden"),
            caseFile(["configuration", "index"], "foo", field: "index", owner: "issue-10"),
            caseFile(["configuration", "accessThreshold"], 2.0, field: "accessThreshold"),
            caseFile(["configuration", "epsilon"], -1.0, field: "epsilon"),
            caseFile(["version"], 99, field: "version"),
            caseFile(["steps"], -1, field: "steps"),
            caseFile(["model"], "foo", field: "model", owner: "issue-10"),
            caseFile(["parameters"], "x", field: "parameters", owner: "issue-10"),
            // An unknown enumeration value lists the valid ones (issue 13, item 6).
            caseFile(["configuration", "index"], "hnsw?", field: "valid: exact, kdtree, lsh", owner: "issue-10"),
            caseFile(["model"], "rnn", field: "valid: sam, dam", owner: "issue-10"),
            // A case's precision: float32 or float64; a float32 case's point must be float32 values.
            caseFile(["precision"], "float16", field: "valid: float32, float64", owner: "issue-10"),
            caseFile(["precision"], "float32", field: "not a float32 value", owner: "issue-10"),
            // Values this large overflow the model: a named non-finite error, exit 2 (issue 13, item 5).
            // (The fixture's loss is mean squared error: an output of 1e300 squares to inf.)
            caseFile(["parameters", "output.b", "values", 0], 1e300, field: "non-finite value"),
            raw("case file", ["verify", "--check-case", "c.json"], "c.json", "{", field: "c.json", owner: "issue-10"),
            raw("case file", ["verify", "--check-case", "c.json"], "c.json", "", field: "c.json", owner: "issue-10"),
            raw("case file", ["verify", "--check-case", "c.json"], "c.json", "[1, 2]", field: "c.json", owner: "issue-10"),
            Probe(area: "case file", arguments: ["verify", "--check-case", "missing.json"], field: "missing.json"),
            // Measurement files (fit): sizes, times, counts, versions, syntax.
            measurements(m0 + ["size"], 1 << 62, field: "size"),
            measurements(m0 + ["size"], 0, field: "size"),
            measurements(m0 + ["steps"], 0, field: "steps"),
            measurements(m0 + ["forwardSeconds", 0], -1.0, field: "forwardSeconds"),
            measurements(m0 + ["forwardSeconds"], [Double](repeating: 0, count: 9), field: "forwardSeconds"),
            measurements(m0 + ["backwardSeconds", 0], "nan", field: "backwardSeconds"),
            measurements(m0 + ["model"], "foo", field: "model"),
            measurements(m0 + ["forwardSeconds"], [0.001], field: "forwardSeconds"),
            measurements(["formatVersion"], 99, field: "formatVersion"),
            measurements(m0 + ["model"], "sam-hnsw", field: "valid: dam, sam-exact, sam-kdtree, sam-lsh"),
            measurements(["measurements"], "x", field: "measurements"),
            measurements(["plan"], nil, field: "plan"),
            raw("measurements", ["fit", "m.json", "--out", "out"], "m.json", "{", field: "m.json", owner: "issue-11"),
            raw("measurements", ["fit", "m.json", "--out", "out"], "m.json", "[]", field: "m.json", owner: "issue-11"),
            // A report folder holding a broken index-frontier.json (the Headline's row 7): refused before any work.
            frontier("{\"formatVersion\": 1}", field: "index-frontier"),
            frontier(#"{"formatVersion": 1, "command": "x", "gitCommit": "x", "sourcesHash": "x", "date": "x", "steps": 10, "points": []}"#,
                     field: "points"),
            // Baselines (gate --baseline).
            baseline(["complexity", 0, "maxSlope"], -0.5, field: "maxSlope"),
            baseline(["complexity", 0, "maxSlope"], "x", field: "maxSlope"),
            baseline(["complexity", 0, "sizes"], [1024], field: "sizes"),
            baseline(["counters", 0, "tolerance"], -1, field: "tolerance"),
            baseline(["counters", 0, "model"], "foo", field: "model"),
            baseline(["ratios", 0, "threshold"], 0, field: "threshold"),
            baseline(["counters", 0, "metric"], "seconds", field: "valid: "),
            baseline(["timing", "repeats"], 0, field: "repeats"),
            baseline(["version"], 99, field: "version"),
            baseline(["format"], "other", field: "format"),
            baseline(["counters"], nil, field: "counters"),
            raw("baseline", ["gate", "--baseline", "b.json"], "b.json", "{", field: "b.json", owner: "issue-12"),
            Probe(area: "baseline", arguments: ["gate", "--baseline", "missing.json"], field: "missing.json", owner: "issue-12"),
            Probe(area: "baseline", arguments: ["gate", "--quick", "--baseline", "b.json", "--report", "folder"],
                  files: ["b.json": Fixtures.baseline, "folder/keep": Data()], field: "--report", owner: "issue-12"),
        ]
    }
}
