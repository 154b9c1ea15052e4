import ArgumentParser
import Foundation
import MemoryModels
import NearestNeighbours
import OutputFiles
import ModelFamilies
import Training

/// `samkit train`: train a registered family (SAM, DAM, the SDNC) on copy, associative recall or priority sort with the
/// hand-written gradients (`TrainRun` does the work).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train SAM, DAM or the SDNC on copy, associative recall or priority sort (Float, single-threaded).",
        discussion: """
            copy: --length random patterns of --bits bits, a delimiter, then the patterns back. recall: items \
            of 3 vectors, a query item, then the item that followed it (--length items). sort: --length vectors \
            with priorities, then the top 4/5 in priority order. The loss is sigmoid cross-entropy on the \
            answer steps; every episode starts from M_0. Each iteration averages the gradients of --batch \
            episodes, clips their global norm to --clip and takes one --optimizer step. --levels curriculum \
            draws each episode's level (length, items, vectors) uniformly up to h and doubles h when the mean \
            loss per answer bit over the last --window iterations is below --curriculum-threshold. \
            Progress (iteration, loss, wrong bits per sequence, h, episodes per second) goes to stderr. \
            With --out: curve.csv, curve.png (gnuplot), run.json (the timings) and checkpoint.json \
            (parameters, optimiser state, generator, curve; written atomically after every window, never \
            after a failure); --resume continues from it bit for bit. A corrupt or mismatched checkpoint \
            is an input error. Sizes and counts take a whole number or 2^k. A run whose estimated memory \
            exceeds MemAvailable is refused before allocating; a non-finite loss, gradient or parameter \
            stops the run. \(ExitConvention.help)
            """)

    @Option(name: .long, help: "Task: copy, recall or sort.") var task = "copy"
    @Option(name: .long, help: ArgumentHelp("Model: " + TrainCommand.families.map { "\($0.name) (\($0.summary))" }.joined(separator: ", ") + "."))
    var model = "sam"
    @Option(name: .long, help: ArgumentHelp("Index the model reads through: " + IndexKind.allCases.map(\.rawValue).joined(separator: ", ") + " (default exact; "
                                            + TrainCommand.families.filter(\.readsSelectedRows).map(\.name).joined(separator: ", ") + " only)."))
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
    @Option(name: .long, help: "Bits per vector, \(OptionLimits.text(OptionLimits.bits)).",
            transform: size("--bits", OptionLimits.bits))
    var bits = 6
    @Option(name: .long, help: "Highest level: copy patterns, recall items (at least 2) or sort vectors, \(OptionLimits.text(OptionLimits.length)).",
            transform: size("--length", OptionLimits.length))
    var length = 4
    @Option(name: .long, help: "Levels: highest (every episode at --length), uniform (1...--length) or curriculum.")
    var levels = "curriculum"
    @Option(name: .long, help: "Curriculum: double h when the window's mean loss per answer bit (nats) is below this, in (0, 1].")
    var curriculumThreshold = 0.05

    @Option(name: .long, help: "Optimiser steps, \(OptionLimits.text(OptionLimits.episodes)) (default 2000).",
            transform: size("--iterations", OptionLimits.episodes))
    var iterations: Int?
    @Option(name: .long, help: "The same as --iterations (the first train's name; not with --iterations).",
            transform: size("--episodes", OptionLimits.episodes))
    var episodes: Int?
    @Option(name: .long, help: "Episodes per iteration B (gradients averaged), \(OptionLimits.text(OptionLimits.batch)).",
            transform: size("--batch", OptionLimits.batch))
    var batch = 1
    @Option(name: .long, help: "Truncated BPTT: steps per segment, \(OptionLimits.text(OptionLimits.length)) (default: the whole episode). Each segment's backward runs before the next segment's forward; no gradient crosses a boundary.",
            transform: size("--segment", OptionLimits.length))
    var segment: Int?
    @Option(name: .long, help: "Iterations per reported point and checkpoint, 1...--iterations (default: 100, or --iterations if fewer).",
            transform: size("--window", OptionLimits.episodes))
    var window: Int?
    @Option(name: .long, help: "Optimiser: rmsprop (momentum 0.9, decay 0.95) or adam.") var optimizer = "adam"
    @Option(name: .long, help: "Learning rate (> 0; default 1e-3 for adam, 1e-4 for rmsprop).") var learningRate: Double?
    @Option(name: .long, help: "Clip the gradient's global L2 norm to this (> 0), or 0 for no clipping.") var clip = 10.0
    @Option(name: .long, help: "Seed of the parameters, the memory and the episodes.") var seed: UInt64 = 1
    @Option(name: .long, help: "M_0: each entry uniform in [-s, s] from --seed, or 0 for M_0 = 0 (SPEC's default), finite and >= 0.")
    var memoryScale = 0.1

    @Option(name: .long, help: ArgumentHelp("Also write the training curve as JSON (atomically).", valueName: "FILE"))
    var json: String?
    @Option(name: .long, help: ArgumentHelp("Write curve.csv, curve.png, run.json and checkpoint.json here.", valueName: "DIR"))
    var out: String?
    @Option(name: .long, help: ArgumentHelp("Test-only: train with this gradient fault injected (zero-read-gradient).", visibility: .hidden))
    var fault: String?
    @Option(name: .long, help: ArgumentHelp("Diagnostic: write per-window gradient norms per parameter block (and, for SAM on copy, how often the answer step reads the row its pattern was written to) as CSV.", valueName: "FILE", visibility: .hidden))
    var trace: String?
    @Flag(name: .long, help: "Continue from --out's checkpoint.json (the same options; --iterations may grow).")
    var resume = false

    /// The families `train` trains (the registry's).
    static var families: [any ModelFamily] { ModelKind.allCases.map(\.family).filter(\.isTrainable) }
    /// The `--model` family (validated).
    var family: any ModelFamily { ModelRegistry.family(named: model)! }
    /// `--index`, exact unless given.
    var indexName: String { index ?? "exact" }
    var taskKind: TaskKind { TaskKind(rawValue: task)! }
    var optimiserKind: OptimiserKind { OptimiserKind(rawValue: optimizer)! }
    var iterationCount: Int { iterations ?? episodes ?? 2000 }
    var schedule: LevelSchedule {
        switch levels {
        case "highest": .highest
        case "uniform": .uniform
        default: .curriculum(threshold: curriculumThreshold)
        }
    }

    func validate() throws {
        func oneOf(_ option: String, _ value: String, _ valid: [String]) throws {
            guard valid.contains(value) else {
                throw ValidationError("\(option) '\(value)' is not valid (valid: \(valid.joined(separator: ", ")))")
            }
        }
        try oneOf("--task", task, TaskKind.allCases.map(\.rawValue))
        try oneOf("--model", model, Self.families.map(\.name))
        try oneOf("--index", indexName, IndexKind.allCases.map(\.rawValue))
        try oneOf("--optimizer", optimizer, OptimiserKind.allCases.map(\.rawValue))
        try oneOf("--levels", levels, ["highest", "uniform", "curriculum"])
        if let fault { try oneOf("--fault", fault, TrainRun.faults) }
        if !family.readsSelectedRows, let index {
            let indexed = Self.families.filter(\.readsSelectedRows).map(\.name).joined(separator: ", ")
            throw ValidationError("--index \(index) does not apply to --model \(model) (\(family.label) reads no rows through an index; valid: omit --index, or --model \(indexed))")
        }
        if iterations != nil && episodes != nil {
            throw ValidationError("--episodes cannot be given with --iterations (valid: one of them)")
        }
        if let window, window > iterationCount {
            throw ValidationError("--window \(window) is out of range (valid: 1...--iterations = 1...\(iterationCount))")
        }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
            throw ValidationError("--learning-rate \(learningRate) is out of range (valid: finite and > 0)")
        }
        guard memoryScale >= 0, memoryScale.isFinite else {
            throw ValidationError("--memory-scale \(memoryScale) is out of range (valid: 0 or a finite number > 0)")
        }
        guard clip >= 0, clip.isFinite else { throw ValidationError("--clip \(clip) is out of range (valid: 0 or a finite number > 0)") }
        guard curriculumThreshold > 0, curriculumThreshold <= 1 else {
            throw ValidationError("--curriculum-threshold \(curriculumThreshold) is out of range (valid: (0, 1])")
        }
        if task == "recall" && length < 2 {
            throw ValidationError("--length \(length) is out of range for --task recall (valid: 2 or more items)")
        }
        do { _ = try configuration() } catch { throw ValidationError("\(error)") }
        if let json { try OutputPath.check(json, option: "--json", as: .file) }
        if let trace { try OutputPath.check(trace, option: "--trace", as: .file) }
        if let out { try OutputPath.check(out, option: "--out", as: .folder) }
        if resume {
            guard let out else { throw ValidationError("--resume needs --out DIR (valid: the folder holding checkpoint.json)") }
            let path = URL(fileURLWithPath: out).appendingPathComponent(TrainRun.checkpointName).path
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("--resume: \(path) does not exist (valid: a folder a previous train --out wrote)")
            }
        }
    }

    /// The task at --bits and --length.
    var sequenceTask: any SequenceTask { taskKind.make(bits: bits, maxLevel: length) }

    func configuration() throws -> ModelConfiguration {
        let t = sequenceTask
        return try family.configuration(ModelConfiguration(memoryWords: memory, wordSize: wordSize, heads: heads, neighbours: neighbours,
                                      hidden: hidden, inputSize: t.inputSize, outputSize: t.outputSize,
                                      memoryInitialisation: memoryScale == 0 ? .zeros : .uniform(scale: memoryScale, seed: seed),
                                      index: IndexKind(rawValue: indexName)!, indexSettings: indexSettings, parameterSeed: seed))
    }

    /// The index's default settings, with FLANN's checks raised to K when K is above them (checks
    /// must be at least K), so that K up to N, e.g. K = N (SAM as DAM), can be trained.
    var indexSettings: IndexSettings {
        var settings = IndexSettings()
        settings.checks = max(settings.checks, neighbours)
        return settings
    }

    /// What a resumed run must share with its checkpoint.
    func runDescription(_ c: ModelConfiguration) -> RunDescription {
        RunDescription(task: taskKind, bits: bits, maxLevel: length, model: model, configuration: c,
                       optimizer: optimiserKind, learningRate: learningRate ?? optimiserKind.defaultLearningRate,
                       clip: clip > 0 ? clip : nil, batch: batch, window: window ?? min(100, iterationCount),
                       levels: schedule.description, seed: seed, segment: segment)
    }

    func run() throws { try TrainRun(self).run() }
}
