import ArgumentParser
import Foundation
import MemoryModels
import NearestNeighbours
import OutputFiles
import Training

/// `samkit train`: train SAM or DAM on the copy task with the hand-written gradients.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train SAM or DAM on the copy task (Float, Adam, single-threaded).",
        discussion: """
            Each episode shows --length random patterns of --bits bits, a delimiter, then asks for the \
            patterns back; the loss is sigmoid cross-entropy on the answer steps. Every episode starts \
            from M_0. Prints the mean loss and wrong bits per sequence every --window episodes. \
            Sizes and counts take a whole number or 2^k. A run whose estimated memory exceeds MemAvailable \
            is refused before allocating; a non-finite loss, gradient or parameter stops the run. \
            \(ExitConvention.help)
            """)

    @Option(name: .long, help: "Model: sam or dam.")
    var model = "sam"

    @Option(name: .long, help: "Index SAM reads through: exact, kdtree, lsh or hnsw (default exact; SAM only).")
    var index: String?

    @Option(name: .long, help: "Memory words N, \(OptionLimits.text(OptionLimits.memoryWords)).",
            transform: size("--memory", OptionLimits.memoryWords))
    var memory = 64

    @Option(name: .long, help: "Word size W, \(OptionLimits.text(OptionLimits.wordSize)).",
            transform: size("--word-size", OptionLimits.wordSize))
    var wordSize = 16

    @Option(name: .long, help: "Access heads R, \(OptionLimits.text(OptionLimits.heads)) and at most N.",
            transform: size("--heads", OptionLimits.heads))
    var heads = 1

    @Option(name: .long, help: "Neighbours read per head K, \(OptionLimits.text(OptionLimits.neighbours)) and at most N.",
            transform: size("--neighbours", OptionLimits.neighbours))
    var neighbours = 4

    @Option(name: .long, help: "Controller units H, \(OptionLimits.text(OptionLimits.hidden)).",
            transform: size("--hidden", OptionLimits.hidden))
    var hidden = 64

    @Option(name: .long, help: "Bits per pattern, \(OptionLimits.text(OptionLimits.bits)).",
            transform: size("--bits", OptionLimits.bits))
    var bits = 6

    @Option(name: .long, help: "Patterns per sequence, \(OptionLimits.text(OptionLimits.length)).",
            transform: size("--length", OptionLimits.length))
    var length = 4

    @Option(name: .long, help: "Training episodes, \(OptionLimits.text(OptionLimits.episodes)).",
            transform: size("--episodes", OptionLimits.episodes))
    var episodes = 2000

    @Option(name: .long, help: "Episodes per reported point, 1...--episodes (default: 100, or --episodes if fewer).",
            transform: size("--window", OptionLimits.episodes))
    var window: Int?

    @Option(name: .long, help: "Adam learning rate (> 0).")
    var learningRate = 1e-3

    @Option(name: .long, help: "Seed of the parameters, the memory and the episodes.")
    var seed: UInt64 = 1

    @Option(name: .long, help: ArgumentHelp("Also write the training curve as JSON (atomically).", valueName: "FILE"))
    var json: String?

    func validate() throws {
        guard ["sam", "dam"].contains(model) else { throw ValidationError("--model '\(model)' is not a model (valid: sam, dam)") }
        guard IndexKind(rawValue: indexName) != nil else {
            throw ValidationError("--index '\(indexName)' is not an index (valid: exact, kdtree, lsh, hnsw)")
        }
        if model == "dam", let index {
            throw ValidationError("--index \(index) does not apply to --model dam (DAM reads every row; valid: omit --index, or --model sam)")
        }
        if let window, window > episodes {
            throw ValidationError("--window \(window) is out of range (valid: 1...--episodes = 1...\(episodes))")
        }
        guard learningRate > 0, learningRate.isFinite else {
            throw ValidationError("--learning-rate \(learningRate) is out of range (valid: finite and > 0)")
        }
        do { _ = try configuration() } catch { throw ValidationError("\(error)") }
        if let json { try OutputPath.check(json, option: "--json", as: .file) }
    }

    /// `--index`, exact unless given.
    var indexName: String { index ?? "exact" }

    func configuration() throws -> ModelConfiguration {
        let task = CopyTask(bits: bits, length: length)
        return try ModelConfiguration(memoryWords: memory, wordSize: wordSize, heads: heads, neighbours: neighbours,
                                      hidden: hidden, inputSize: task.inputSize, outputSize: task.outputSize,
                                      memoryInitialisation: .uniform(scale: 0.1, seed: seed),
                                      index: IndexKind(rawValue: indexName)!, parameterSeed: seed)
    }

    func run() throws {
        let c = try configuration()
        // Float model: parameters with gradients and Adam's two moments (4 copies), T = 2·length + 1 steps.
        try MemoryBudget.check(MemoryBudget.estimate(c, dense: model == "dam", scalarBytes: 4, steps: 2 * length + 1,
                                                     parameterCopies: 4), what: "train --model \(model)")
        let task = CopyTask(bits: bits, length: length)
        let network: any MemoryModel<Float> = model == "sam" ? try SAM<Float>(configuration: c) : DAM<Float>(configuration: c)
        let adam = Adam<Float>(parameterCount: network.parameters.totalCount, learningRate: Float(learningRate))
        print("training \(model.uppercased())\(model == "sam" ? " (\(indexName) index)" : "") on copy: \(length) patterns of \(bits) bits; "
              + "N=\(memory) W=\(wordSize) R=\(heads) K=\(neighbours) H=\(hidden); \(episodes) episodes; single-threaded")
        print("episode   loss      wrong bits / sequence")
        let progress = ProgressLine()
        let points = try CopyTrainer<Float>(task: task, episodes: episodes, window: window ?? min(100, episodes), seed: seed &+ 1)
            .train(network, optimiser: adam) { point in
                progress.finish()
                print(String(format: "%-9d %-9.4f %.2f", point.episode, point.loss, point.bitErrors))
            }
        if let json { try AtomicFile.writeJSON(points, to: json) }
    }
}
