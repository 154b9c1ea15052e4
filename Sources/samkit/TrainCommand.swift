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
            from M_0. Prints the mean loss and wrong bits per sequence every --window episodes.
            """)

    @Option(name: .long, help: "Model: sam or dam.")
    var model = "sam"

    @Option(name: .long, help: "Index SAM reads through: exact, kdtree or lsh.")
    var index = "exact"

    @Option(name: .long, help: "Memory words N (at least 4).")
    var memory = 64

    @Option(name: .long, help: "Word size W (1 or more).")
    var wordSize = 16

    @Option(name: .long, help: "Access heads R (1...N).")
    var heads = 1

    @Option(name: .long, help: "Neighbours read per head K (1...N).")
    var neighbours = 4

    @Option(name: .long, help: "Controller units H (1 or more).")
    var hidden = 64

    @Option(name: .long, help: "Bits per pattern (1 or more).")
    var bits = 6

    @Option(name: .long, help: "Patterns per sequence (1 or more).")
    var length = 4

    @Option(name: .long, help: "Training episodes (1 or more).")
    var episodes = 2000

    @Option(name: .long, help: "Episodes per reported point (1 or more).")
    var window = 100

    @Option(name: .long, help: "Adam learning rate (> 0).")
    var learningRate = 1e-3

    @Option(name: .long, help: "Seed of the parameters, the memory and the episodes.")
    var seed: UInt64 = 1

    @Option(name: .long, help: ArgumentHelp("Also write the training curve as JSON (atomically).", valueName: "FILE"))
    var json: String?

    func validate() throws {
        guard ["sam", "dam"].contains(model) else { throw ValidationError("--model '\(model)' is not a model (valid: sam, dam)") }
        guard IndexKind(rawValue: index) != nil else {
            throw ValidationError("--index '\(index)' is not an index (valid: exact, kdtree, lsh)")
        }
        for (name, value) in [("--bits", bits), ("--length", length), ("--episodes", episodes), ("--window", window)] where value < 1 {
            throw ValidationError("\(name) \(value) is out of range (valid: 1 or more)")
        }
        guard learningRate > 0, learningRate.isFinite else {
            throw ValidationError("--learning-rate \(learningRate) is out of range (valid: finite and > 0)")
        }
        do { _ = try configuration() } catch { throw ValidationError("\(error)") }
    }

    func configuration() throws -> ModelConfiguration {
        let task = CopyTask(bits: bits, length: length)
        return try ModelConfiguration(memoryWords: memory, wordSize: wordSize, heads: heads, neighbours: neighbours,
                                      hidden: hidden, inputSize: task.inputSize, outputSize: task.outputSize,
                                      memoryInitialisation: .uniform(scale: 0.1, seed: seed),
                                      index: IndexKind(rawValue: index)!, parameterSeed: seed)
    }

    func run() throws {
        let c = try configuration()
        let task = CopyTask(bits: bits, length: length)
        let network: any MemoryModel<Float> = model == "sam" ? try SAM<Float>(configuration: c) : DAM<Float>(configuration: c)
        let adam = Adam<Float>(parameterCount: network.parameters.totalCount, learningRate: Float(learningRate))
        print("training \(model.uppercased())\(model == "sam" ? " (\(index) index)" : "") on copy: \(length) patterns of \(bits) bits; "
              + "N=\(memory) W=\(wordSize) R=\(heads) K=\(neighbours) H=\(hidden); \(episodes) episodes; single-threaded")
        print("episode   loss      wrong bits / sequence")
        let progress = ProgressLine()
        let points = try CopyTrainer<Float>(task: task, episodes: episodes, window: window, seed: seed &+ 1)
            .train(network, optimiser: adam) { point in
                progress.finish()
                print(String(format: "%-9d %-9.4f %.2f", point.episode, point.loss, point.bitErrors))
            }
        if let json { try AtomicFile.writeJSON(points, to: json) }
    }
}
