import ArgumentParser
import Foundation
import MemoryModels
import NearestNeighbours
import ModelFamilies
import SAMNumerics

/// `samkit info`: the default configuration and what the backward record costs per step.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Print the default model configuration (the paper's settings).",
        discussion: "--json and --record-bytes exclude each other. \(ExitConvention.help)")

    @Flag(name: .long, help: "Print the configuration as JSON.")
    var json = false

    @Option(name: .long, help: ArgumentHelp(
        "Instead, measure backward-record bytes per step of every model family (\(ModelRegistry.families.map(\.label).joined(separator: ", "))) at these memory sizes (comma-separated N, each a whole number or 2^k in \(OptionLimits.text(recordBytesRange))).",
        discussion: "Runs a short training forward (T = 4, Float) of each model at each N with the default W, R, K, H.",
        valueName: "N1,N2,..."))
    var recordBytes: String?

    /// DAM keeps N*W scalars per step: up to 2^20 words that is 128 MiB per step.
    static let recordBytesRange = 4...(1 << 20)

    func validate() throws {
        if json, recordBytes != nil {
            throw ValidationError("--json does not apply to --record-bytes (valid: one of --json, --record-bytes)")
        }
        if let recordBytes { _ = try parseSizes(recordBytes, option: "--record-bytes", range: Self.recordBytesRange) }
    }

    func run() throws {
        let c = try ModelConfiguration()
        if let recordBytes {
            let sizes = try parseSizes(recordBytes, option: "--record-bytes", range: Self.recordBytesRange)
            for n in sizes {
                try MemoryBudget.check(MemoryBudget.estimate(try c.with(memoryWords: n, neighbours: min(c.neighbours, n)),
                                                             dense: true, scalarBytes: 4, steps: 4),
                                       what: "info --record-bytes \(n)")
            }
            try printRecordBytes(c, sizes: sizes)
            return
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(c), as: UTF8.self))
            return
        }
        let rows: [(String, String)] = [
            ("memory words N", "\(c.memoryWords)"), ("word size W", "\(c.wordSize)"), ("heads R", "\(c.heads)"),
            ("neighbours K", "\(c.neighbours)"), ("controller units H", "\(c.hidden)"),
            ("input size X", "\(c.inputSize)"), ("output size Y", "\(c.outputSize)"),
            ("access threshold δ", "\(c.accessThreshold)"), ("norm stabiliser ε", "\(c.epsilon)"),
            ("memory initialisation", c.memoryInitialisation.description), ("index", c.index.rawValue),
            ("k-d forest", "\(c.indexSettings.trees) trees, \(c.indexSettings.checks) checks"),
            ("LSH", "\(c.indexSettings.lshTables) tables of \(c.indexSettings.lshBits) bits"),
            ("HNSW", "M \(c.indexSettings.hnswLinks), efConstruction \(c.indexSettings.hnswConstructionEf), ef \(c.indexSettings.hnswSearchEf)"),
            ("loss", c.loss.rawValue), ("parameter seed", "\(c.parameterSeed)"),
            ("parameters", "\(ParameterStore<Float>.layout(c).map { "\($0.0) \($0.1.map(String.init).joined(separator: "x"))" }.joined(separator: ", "))"),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        for (name, value) in rows { print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value) }
    }
}

extension InfoCommand {
    /// Backward-record bytes per step of every registered family (tape + journal, exactly as the models count them).
    func printRecordBytes(_ base: ModelConfiguration, sizes: [Int]) throws {
        let steps = 4, families = ModelRegistry.families
        func column(_ text: String) -> String { text.padding(toLength: 14, withPad: " ", startingAt: 0) }
        print("backward-record bytes per step (Float, W=\(base.wordSize) R=\(base.heads) K=\(base.neighbours) H=\(base.hidden), T=\(steps))")
        print("N".padding(toLength: 10, withPad: " ", startingAt: 0) + families.map { column($0.label) }.joined())
        for n in sizes {
            let c = try base.with(memoryWords: n, neighbours: min(base.neighbours, n))
            print("\(n)".padding(toLength: 10, withPad: " ", startingAt: 0)
                + (try families.map { column("\(try $0.recordBytesPerStep(c, steps: steps))") }).joined())
        }
    }
}
