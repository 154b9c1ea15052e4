import ArgumentParser
import Foundation
import OutputFiles
import MemoryModels
import NearestNeighbours
import SAMNumerics
import Training
import Verification

/// `samkit verify`: gradient checks of SAM and DAM against finite differences and the dense model,
/// plus case files for independent implementations (`--dump-case`, `--check-case`).
/// Exit 0: every check holds; 1: a check failed or cannot judge; 2: a usage error (the message names the value and the valid range).
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check hand-written gradients against finite differences and the dense model.",
        discussion: """
            Modes: replay (every coordinate, decisions held fixed), free (plain finite differences; decision \
            flips reported as kinks), fast (random directions), dense (SAM K=N vs DAM, SAM vs masked DAM), \
            structural (backward twice, zero upstream gradient, memory restored, finite), all. \
            A check that cannot judge (its tolerance not small against what it checks, a finite difference that \
            is mostly rounding, more than 25% of coordinates kinked, nothing compared) says so and is not a pass: \
            it exits 1 like a failed check. A non-finite loss, output or gradient stops the run with a named error \
            (quantity, step, case): exit 1 for a generated case (the model failed on valid input), exit 2 for a \
            --check-case file whose values make the model overflow (a bad input). \
            \(ExitConvention.help)
            """)

    @Option(help: ArgumentHelp(VerifyCommand.modelHelp)) var model = "all"
    @Option(help: "Random cases per model, 1...100000 (default: 20 for toy, 3 for paper; not with --case-seed).") var cases: String?
    @Option(help: "Seed of the case generator (an unsigned 64-bit integer).") var seed = "1"
    @Option(help: "Run exactly the case this seed denotes (printed by a failure report).") var caseSeed: String?
    @Option(help: "replay, free, fast, dense, structural, float or all, or a comma list (default: all for toy, fast,replay,structural for paper).")
    var mode: String?
    @Option(help: "double (the Double checks), float (the Float model against Double at the same point) or both (default: double). With --dump-case: double or float, the model that computes the case (a float32 case file). Not with --check-case (the file's precision field decides).")
    var precision: String?
    @Option(help: "Case sizes: toy (N 2-12, W 1-5, R 1-3, H 1-6, X 1-4, Y 1-3, T 1-6: every coordinate) or paper (W 32, R 4, K 4, H 100, X Y 8, N 2^10-2^16, T 1-50).")
    var preset = "toy"
    @Option(name: .customLong("N"), help: "Memory words N: a value or a range a...b (overrides the preset).") var n: String?
    @Option(name: .customLong("W"), help: "Word size W: a value or a range.") var w: String?
    @Option(name: .customLong("R"), help: "Heads R (clamped to N): a value or a range.") var r: String?
    @Option(name: .customLong("K"), help: "Neighbours K (clamped to N): a value or a range.") var k: String?
    @Option(name: .customLong("H"), help: "Controller units H: a value or a range.") var h: String?
    @Option(name: .customLong("X"), help: "Input size X: a value or a range.") var x: String?
    @Option(name: .customLong("Y"), help: "Output size Y: a value or a range.") var y: String?
    @Option(name: .customLong("T"), help: "Steps T: a value or a range.") var t: String?
    @Option(help: "Fraction of steps in the loss (mask 1), in (0, 1].") var maskDensity: String?
    @Option(help: "Initial memory M_0: zero, uniform (±0.5), mixed (toy: uniform ±0.1-1, one case in six zero) or file:PATH (a JSON tensor {\"shape\": [N, W], \"values\": [N·W numbers]}, as a case file's initialMemory; it fixes N and W).")
    var memory: String?
    @Option(help: "Loss: sigmoid-cross-entropy, mean-squared-error or either.") var loss: String?
    @Option(help: "Replay and free modes check a seeded sample of M coordinates, 1...10000000 (default: all for toy, 20 for paper).")
    var coordinates: String?
    @Option(help: ArgumentHelp("Nearest-neighbour index of SAM: " + IndexKind.allCases.map(\.rawValue).joined(separator: ", ") + "."))
    var index = "exact"
    @Option(help: "SDNC gradient through the temporal links: recorded (the paper's choice: link state held, the default) or full (through N, P and the precedence; Proofs/sdnc-gradients.md). Other models ignore it.")
    var linkGradient = "recorded"
    @Option(help: "Central-difference step h, in [1e-9, 1e-2] (outside it the derived tolerance means nothing).")
    var step = "1e-6"
    @Option(help: "Random directions in fast mode, 1...1000.") var directions = "4"
    @Option(help: "Also write the report as JSON to this file (atomically).") var json: String?
    @Option(help: "Write one case (configuration, parameters, episode, outputs, loss, gradients, decisions) to DIR/case.json.")
    var dumpCase: String?
    @Option(help: "Read DIR/case.json (or the file given), recompute it and report agreement.") var checkCase: String?
    @Option(help: "Run the fault sweep (sized faults on every block, one entry and the Float path, m = 1e-1...1e-6; the code faults; --clean-cases clean cases) on --cases toy cases per model of --seed, and write its tables to FILE (markdown, atomically; Proofs/fault-sweep.md).")
    var faultSweep: String?
    @Option(help: "Clean cases per model the fault sweep runs every check on, 0...100000.") var cleanCases = "1000"
    @Option(help: "Check at the parameters of a `samkit train` checkpoint (FILE): --cases random episodes of T steps (--T, default 1...6) in the checkpoint's configuration, its model only; the dense checks are skipped. Large models want --mode fast or --coordinates.")
    var parameters: String?
    @Flag(help: "Print a report for every check, not only failures.") var verbose = false

    /// `--model`'s help: the verified families of the registry.
    static var modelHelp: String {
        ModelKind.allCases.map { "\($0.rawValue) (\($0.family.summary))" }.joined(separator: ", ")
            + " or all (\(Options.all(dumping: false).map(\.rawValue).joined(separator: " and ")); --dump-case: \(Options.all(dumping: true)[0].rawValue))."
    }

    func run() throws {
        let options: Options
        do { options = try Options(self) } catch let error as UsageError {
            FileHandle.standardError.write(Data("samkit verify: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
        if let file = faultSweep { try sweep(options, to: file) }
        else if let directory = dumpCase { try dump(options, to: directory) }
        else if let path = checkCase { try check(path) }
        else { try verify(options) }
    }

    private func verify(_ o: Options) throws {
        let start = Date()
        let generator = CaseGenerator(seed: o.seed, index: o.index, ranges: o.ranges)
        let trained = try parameters.map { try TrainedPoint(checkpoint: $0) }
        let models = trained.map { [$0.model] } ?? o.models
        let settings = VerificationSettings(step: o.step, directions: o.directions, coordinates: o.coordinates)
        let progress = ProgressLine(), total = o.caseSeed == nil ? o.cases * models.count : models.count
        var done = 0, failing = false
        var results: [CheckResult] = []
        for number in 0..<(o.caseSeed == nil ? o.cases : 1) {
            for model in models {
                let c = try (trained.map { $0.makeCase(generator.caseSeed(number), steps: o.ranges.steps) }
                    ?? o.caseSeed.map { try CaseGenerator.makeCase(seed: $0, model: model, index: o.index, ranges: o.ranges) }
                    ?? generator.makeCase(number, model: model)).with(linkGradient: o.linkGradient)
                // A dense comparison is a family against its dense twin (SAM against DAM): run it once per
                // configuration, on the sparse family's case when both run.
                let pairOnly: Set<CheckKind> = [.denseEquivalence, .maskedEquivalence]
                let covered = o.models.contains { $0 != model && $0.family.denseTwin == model.rawValue }
                let checks = covered || trained != nil ? o.checks.filter { !pairOnly.contains($0) } : o.checks
                if let bad = try NonFiniteScan.first(c) {   // a valid case the model cannot compute: a failure, exit 1
                    progress.finish()
                    FileHandle.standardError.write(Data("samkit verify: \(bad)\n".utf8))
                    throw ExitCode(1)
                }
                let found = Verifier.run(c, checks: checks, settings: settings)
                results += found
                done += 1
                failing = failing || results.contains { !$0.passed }   // a failure or a check that cannot judge
                progress.show("verify: \(done)/\(total) cases" + (failing ? " (failures so far)" : ""), force: true)
            }
        }
        progress.finish()
        let report = VerificationReport(results: results)
        print(report.table)
        print("")
        for r in results where verbose || !r.passed { print(FailureReport.text(r) + "\n") }
        print(report.figures)
        print("time: \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        if let json = o.json { try AtomicFile.writeJSON(report, to: json) }
        if !report.passed { throw ExitCode(1) }
    }

    private func sweep(_ o: Options, to file: String) throws {
        let start = Date()
        var sweep = FaultSweep(seed: o.seed, cases: o.cases, cleanCases: o.cleanCases)
        let progress = ProgressLine()
        try sweep.run { progress.show($0, force: true) }
        progress.finish()
        let command = "samkit verify --fault-sweep \(file) --seed \(o.seed) --cases \(o.cases) --clean-cases \(o.cleanCases)"
        let markdown = sweep.markdown(command: command)
        try AtomicFile.write(markdown, to: URL(fileURLWithPath: file))
        print(markdown)
        print("wrote \(file); time: \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        if !sweep.passed { throw ExitCode(1) }
    }

    private func dump(_ o: Options, to directory: String) throws {
        let c = try (o.caseSeed.map { try CaseGenerator.makeCase(seed: $0, model: o.models[0], index: o.index, ranges: o.ranges) }
            ?? CaseGenerator(seed: o.seed, index: o.index, ranges: o.ranges).makeCase(0, model: o.models[0])).with(linkGradient: o.linkGradient)
        let path = try CaseFile.dump(c, to: directory, precision: o.casePrecision)
        print("wrote \(path): \(c.model) \(c)")
    }

    private func check(_ path: String) throws {
        let outcome: CaseCheck
        do { outcome = try CaseCheck.run(path: path) } catch let error as CaseFileError {
            FileHandle.standardError.write(Data("samkit verify: \(error)\n".utf8))
            throw ExitCode(2)   // a malformed input, not a failed check
        }
        print(outcome.text)
        if !outcome.agrees { throw ExitCode(1) }
    }
}

/// A trained point: a `samkit train` checkpoint's model, configuration and parameters (Float values, exact in Double).
struct TrainedPoint {
    let model: ModelKind
    let configuration: ModelConfiguration
    let parameters: [Double]

    init(checkpoint path: String) throws {
        let checkpoint = try Checkpoint.read(path)
        guard let kind = ModelKind(rawValue: checkpoint.run.model) else {
            throw UsageError(message: "--parameters \(path): model \(checkpoint.run.model) is not valid (valid: \(ModelKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        model = kind
        configuration = checkpoint.run.configuration
        parameters = checkpoint.parameters.values
    }

    /// A case at these parameters: a random episode of T steps drawn from `steps` by `seed`.
    func makeCase(_ seed: UInt64, steps: ClosedRange<Int>) -> VerificationCase {
        var g = SeededGenerator(seed: seed)
        var c = VerificationCase(model: model, configuration: configuration, steps: Int.random(in: steps, using: &g),
                                 episodeSeed: g.next(), seed: seed)
        c.parameters = parameters
        return c
    }
}

/// A bad option value: exit 2.
struct UsageError: Error { let message: String }

/// The validated options of `samkit verify`.
struct Options {
    let models: [ModelKind], cases: Int, seed: UInt64, caseSeed: UInt64?, checks: [CheckKind]
    let index: IndexKind, step: Double, directions: Int, json: String?, linkGradient: TemporalLinkSettings.Gradient
    let ranges: CaseRanges, coordinates: Int?, cleanCases: Int
    /// The precision a dumped case is computed in (`--precision float`: float32).
    let casePrecision: CasePrecision

    /// `--model all`: the registry's families in `inDefaultRuns`; only the first when dumping one case.
    static func all(dumping: Bool) -> [ModelKind] {
        let all = ModelKind.allCases.filter { $0.family.inDefaultRuns }
        return dumping ? [all[0]] : all
    }

    init(_ v: VerifyCommand) throws {
        func choice<T>(_ option: String, _ value: String, _ valid: [String: T]) throws -> T {
            guard let r = valid[value] else {
                throw UsageError(message: "--\(option) \(value) is not valid (valid: \(valid.keys.sorted().joined(separator: ", ")))")
            }
            return r
        }
        func integer<T: FixedWidthInteger>(_ option: String, _ value: String, _ range: ClosedRange<T>) throws -> T {
            guard let n = T(value), range.contains(n) else {
                throw UsageError(message: "--\(option) \(value) is out of range (valid: \(range.lowerBound)...\(range.upperBound))")
            }
            return n
        }
        // The registry's verified families; all: those in `inDefaultRuns` (--dump-case writes one case: the first).
        var families = Dictionary(uniqueKeysWithValues: ModelKind.allCases.map { ($0.rawValue, [$0]) })
        families["all"] = Self.all(dumping: v.dumpCase != nil)
        models = try choice("model", v.model, families)
        cases = try size("--cases", 1...100_000)(v.cases ?? (v.preset == "paper" ? "3" : "20"))
        for (other, given) in [("--case-seed", v.caseSeed), ("--dump-case", v.dumpCase), ("--check-case", v.checkCase)]
        where given != nil && v.cases != nil {
            throw UsageError(message: "--cases \(v.cases!) does not apply with \(other) (it handles exactly one case; valid: omit --cases)")
        }
        if v.json != nil && (v.dumpCase != nil || v.checkCase != nil) {
            throw UsageError(message: "--json does not apply with --dump-case or --check-case (valid: omit --json)")
        }
        cleanCases = try integer("clean-cases", v.cleanCases, 0...100_000)
        seed = try integer("seed", v.seed, 0...UInt64.max)
        caseSeed = try v.caseSeed.map { try integer("case-seed", $0, 0...UInt64.max) }
        let paper = v.preset == "paper"
        var ranges = try choice("preset", v.preset, CaseRanges.presets)
        let modes = Dictionary(uniqueKeysWithValues: VerificationMode.allCases.map { ($0.rawValue, $0) })
        let named = try (v.mode ?? (paper ? "fast,replay,structural" : "all")).split(separator: ",")
            .map { try choice("mode", String($0), modes) }
        let selected = CheckKind.allCases.filter { k in named.contains { $0.checks.contains(k) } }
        let precision = try choice("precision", v.precision ?? "double", ["double": 0, "float": 1, "both": 2])
        if let given = v.precision, v.checkCase != nil {
            throw UsageError(message: "--precision \(given) does not apply with --check-case (the case file's precision field decides; valid: omit --precision)")
        }
        if v.dumpCase != nil && precision == 2 {
            throw UsageError(message: "--precision both does not apply with --dump-case (it writes one case; valid: double or float)")
        }
        casePrecision = precision == 1 ? .float32 : .float64
        checks = switch precision {
        case 0: selected.filter { $0 != .floatAgreement }
        case 1: [.floatAgreement]
        default: Array(Set(selected + [.floatAgreement])).sorted { CheckKind.allCases.firstIndex(of: $0)! < CheckKind.allCases.firstIndex(of: $1)! }
        }
        if checks.isEmpty {   // e.g. --mode float with --precision double: nothing would run, and 0/0 is no verdict
            throw UsageError(message: "--mode \(v.mode ?? "") with --precision \(v.precision ?? "double") selects no check "
                             + "(valid: --precision float or both for the float mode)")
        }
        func range(_ option: String, _ value: String?) throws -> ClosedRange<Int>? {
            guard let value else { return nil }
            let parts = value.components(separatedBy: "...")
            let bounds = parts.compactMap { Int($0) }
            guard (1...2).contains(parts.count), bounds.count == parts.count, bounds.first! >= 1, bounds.first! <= bounds.last!,
                  bounds.last! <= 1 << 24 else {
                throw UsageError(message: "--\(option) \(value) is not valid (valid: an integer or a range a...b with 1 <= a <= b <= 16777216)")
            }
            return bounds.first!...bounds.last!
        }
        if let n = try range("N", v.n) { ranges.memoryWords = n; ranges.memoryWordsLog2 = nil }
        if let w = try range("W", v.w) { ranges.wordSize = w }
        if let r = try range("R", v.r) { ranges.heads = r }
        if let k = try range("K", v.k) { ranges.neighbours = k }
        if let h = try range("H", v.h) { ranges.hidden = h }
        if let x = try range("X", v.x) { ranges.inputSize = x }
        if let y = try range("Y", v.y) { ranges.outputSize = y }
        if let t = try range("T", v.t) { ranges.steps = t }
        if let d = v.maskDensity {
            guard let density = Double(d), density > 0, density <= 1 else {
                throw UsageError(message: "--mask-density \(d) is out of range (valid: a number in (0, 1])")
            }
            ranges.maskDensity = density
        }
        if let m = v.memory, m.hasPrefix("file:") {
            let tensor = try Self.memoryFile(String(m.dropFirst(5)), option: m)
            let n = tensor.shape[0], w = tensor.shape[1]
            for (option, given, range, size) in [("N", v.n, ranges.memoryWords, n), ("W", v.w, ranges.wordSize, w)]
            where given != nil && range != size...size {
                throw UsageError(message: "--\(option) \(given!) contradicts --memory \(m) (its shape is [\(n), \(w)]; valid: omit --\(option) or give \(size))")
            }
            ranges.memoryWords = n...n
            ranges.memoryWordsLog2 = nil
            ranges.wordSize = w...w
            ranges.initialMemory = tensor.values
        } else if let m = v.memory {
            let choices = Dictionary(uniqueKeysWithValues: CaseRanges.MemoryChoice.allCases.map { ($0.rawValue, $0) })
            guard let choice = choices[m] else {
                throw UsageError(message: "--memory \(m) is not valid (valid: \(choices.keys.sorted().joined(separator: ", ")) or file:PATH)")
            }
            ranges.memory = choice
        }
        if let l = v.loss {
            var losses: [String: LossKind?] = ["either": nil]
            for kind in LossKind.allCases { losses[kind.rawValue] = kind }
            ranges.loss = try choice("loss", l, losses)
        }
        self.ranges = ranges
        coordinates = try v.coordinates.map { try integer("coordinates", $0, 1...10_000_000) } ?? (paper ? 20 : nil)
        index = try choice("index", v.index, Dictionary(uniqueKeysWithValues: IndexKind.allCases.map { ($0.rawValue, $0) }))
        linkGradient = try choice("link-gradient", v.linkGradient,
                                  Dictionary(uniqueKeysWithValues: TemporalLinkSettings.Gradient.allCases.map { ($0.rawValue, $0) }))
        let valid = Tolerance.validSteps
        guard let h = Double(v.step), valid.contains(h) else {
            throw UsageError(message: "--step \(v.step) is out of range (valid: a number in [\(valid.lowerBound), \(valid.upperBound)]: "
                             + "below it the rounding ε·κ/h swamps the gradient, above it truncation and decision flips do)")
        }
        step = h
        directions = try size("--directions", 1...1000)(v.directions)
        json = v.json
        do {
            if let json = v.json { try OutputPath.check(json, option: "--json", as: .file) }
            if let dump = v.dumpCase { try OutputPath.check(dump, option: "--dump-case", as: .folder) }
        } catch { throw UsageError(message: "\(error)") }
        if v.dumpCase != nil && v.checkCase != nil {
            throw UsageError(message: "--dump-case and --check-case exclude each other (give one)")
        }
    }
}

extension Options {
    /// M_0 from a JSON tensor file (`--memory file:PATH`): {"shape": [N, W], "values": [N·W finite numbers]}.
    static func memoryFile(_ path: String, option: String) throws -> Tensor {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError(message: "--memory \(option): cannot read \(path) (valid: a readable JSON file {\"shape\": [N, W], \"values\": [...]})")
        }
        let tensor: Tensor
        do { tensor = try JSONDecoder().decode(Tensor.self, from: data) } catch {
            throw UsageError(message: "--memory \(option): not a JSON tensor (\(error)) (valid: {\"shape\": [N, W], \"values\": [N·W numbers]})")
        }
        guard tensor.shape.count == 2, tensor.shape.allSatisfy({ (1...(1 << 24)).contains($0) }) else {
            throw UsageError(message: "--memory \(option): shape \(tensor.shape) is not valid (valid: [N, W] with 1 <= N, W <= 16777216)")
        }
        guard tensor.values.count == tensor.shape[0] * tensor.shape[1] else {
            throw UsageError(message: "--memory \(option): \(tensor.values.count) values for shape \(tensor.shape) (valid: \(tensor.shape[0] * tensor.shape[1]))")
        }
        if let i = tensor.values.firstIndex(where: { !$0.isFinite }) {
            throw UsageError(message: "--memory \(option): values[\(i)] = \(tensor.values[i]) is not finite (valid: finite numbers)")
        }
        return tensor
    }
}
