import ArgumentParser
import Foundation
import OutputFiles
import MemoryModels
import NearestNeighbours
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
            is mostly rounding, more than 25% of coordinates kinked, nothing compared) says so and is not a pass. \
            Exit 0 when every check holds, 1 when a check fails or cannot judge, 2 on a usage error.
            """)

    @Option(help: "sam, dam or all (--dump-case: sam unless dam).") var model = "all"
    @Option(help: "Random cases per model, 1...100000.") var cases = "20"
    @Option(help: "Seed of the case generator (an unsigned 64-bit integer).") var seed = "1"
    @Option(help: "Run exactly the case this seed denotes (printed by a failure report).") var caseSeed: String?
    @Option(help: "replay, free, fast, dense, structural or all.") var mode = "all"
    @Option(help: "Nearest-neighbour index of SAM: exact, kdtree or lsh.") var index = "exact"
    @Option(help: "Central-difference step h, in [1e-9, 1e-2] (outside it the derived tolerance means nothing).")
    var step = "1e-6"
    @Option(help: "Random directions in fast mode, 1...1000.") var directions = "4"
    @Option(help: "Also write the report as JSON to this file (atomically).") var json: String?
    @Option(help: "Write one case (configuration, parameters, episode, outputs, loss, gradients, decisions) to DIR/case.json.")
    var dumpCase: String?
    @Option(help: "Read DIR/case.json (or the file given), recompute it and report agreement.") var checkCase: String?
    @Flag(help: "Print a report for every check, not only failures.") var verbose = false

    func run() throws {
        let options: Options
        do { options = try Options(self) } catch let error as UsageError {
            FileHandle.standardError.write(Data("samkit verify: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
        if let directory = dumpCase { try dump(options, to: directory) }
        else if let path = checkCase { try check(path) }
        else { try verify(options) }
    }

    private func verify(_ o: Options) throws {
        let start = Date()
        let generator = CaseGenerator(seed: o.seed, index: o.index)
        let settings = VerificationSettings(step: o.step, directions: o.directions)
        let progress = ProgressLine(), total = o.caseSeed == nil ? o.cases * o.models.count : o.models.count
        var done = 0, failing = false
        var results: [CheckResult] = []
        for number in 0..<(o.caseSeed == nil ? o.cases : 1) {
            for model in o.models {
                let c = try o.caseSeed.map { try CaseGenerator.makeCase(seed: $0, model: model, index: o.index) }
                    ?? generator.makeCase(number, model: model)
                // A dense comparison is SAM against DAM: run it once per configuration, on SAM's case when both run.
                let pairOnly: Set<CheckKind> = [.denseEquivalence, .maskedEquivalence]
                let checks = model == .dam && o.models.contains(.sam) ? o.mode.checks.filter { !pairOnly.contains($0) }
                    : o.mode.checks
                let found = Verifier.run(c, checks: checks, settings: settings)
                results += found
                done += 1
                failing = failing || results.contains { !$0.passed }   // a failure or a check that cannot judge
                progress.show("verify: \(done)/\(total) cases" + (failing ? " (failures so far)" : ""), force: done == total)
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

    private func dump(_ o: Options, to directory: String) throws {
        let c = try o.caseSeed.map { try CaseGenerator.makeCase(seed: $0, model: o.models[0], index: o.index) }
            ?? CaseGenerator(seed: o.seed, index: o.index).makeCase(0, model: o.models[0])
        let path = try CaseFile.dump(c, to: directory)
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

/// A bad option value: exit 2.
struct UsageError: Error { let message: String }

/// The validated options of `samkit verify`.
struct Options {
    let models: [ModelKind], cases: Int, seed: UInt64, caseSeed: UInt64?, mode: VerificationMode
    let index: IndexKind, step: Double, directions: Int, json: String?

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
        // --dump-case writes one case: SAM unless --model dam.
        models = try choice("model", v.model, ["sam": [.sam], "dam": [.dam], "all": v.dumpCase == nil ? [.sam, .dam] : [.sam]])
        cases = try integer("cases", v.cases, 1...100_000)
        seed = try integer("seed", v.seed, 0...UInt64.max)
        caseSeed = try v.caseSeed.map { try integer("case-seed", $0, 0...UInt64.max) }
        mode = try choice("mode", v.mode, Dictionary(uniqueKeysWithValues: VerificationMode.allCases.map { ($0.rawValue, $0) }))
        index = try choice("index", v.index, Dictionary(uniqueKeysWithValues: IndexKind.allCases.map { ($0.rawValue, $0) }))
        let valid = Tolerance.validSteps
        guard let h = Double(v.step), valid.contains(h) else {
            throw UsageError(message: "--step \(v.step) is out of range (valid: a number in [\(valid.lowerBound), \(valid.upperBound)]: "
                             + "below it the rounding ε·κ/h swamps the gradient, above it truncation and decision flips do)")
        }
        step = h
        directions = try integer("directions", v.directions, 1...1000)
        json = v.json
        if v.dumpCase != nil && v.checkCase != nil {
            throw UsageError(message: "--dump-case and --check-case exclude each other (give one)")
        }
    }
}

