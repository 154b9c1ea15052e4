import ArgumentParser
import Foundation
import MemoryModels
import NearestNeighbours
import SAMNumerics

/// `samkit info`: the default configuration and what the backward record costs per step.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Print the default model configuration (the paper's settings).")

    @Flag(name: .long, help: "Print the configuration as JSON.")
    var json = false

    func run() throws {
        let c = try ModelConfiguration()
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
            ("loss", c.loss.rawValue), ("parameter seed", "\(c.parameterSeed)"),
            ("parameters", "\(ParameterStore<Float>.layout(c).map { "\($0.0) \($0.1.map(String.init).joined(separator: "x"))" }.joined(separator: ", "))"),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        for (name, value) in rows { print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value) }
    }
}
