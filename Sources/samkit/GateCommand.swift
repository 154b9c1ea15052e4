// The CI regression gate (issues 6 and 12).
import ArgumentParser
import CAllocationCounter
import Foundation
import Gate
import OutputFiles

/// `samkit gate`: compare a short in-run measurement and the verification cases with the baseline.
/// Exit 0: the gate passes; 1: a check regressed (or was skipped, unless --allow-skipped), or
/// --update/--init refused to write a regressed baseline, or --power missed its targets;
/// 2: a usage or input error (bad option, missing or malformed baseline, naming the field).
struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate", abstract: "Fail a change that breaks a gradient, a complexity class, a speed or a memory bound.",
        discussion: """
            Measures, in this process and single-threaded: SAM's per-step work counters (rows touched by write, \
            read, usage, LRU, journal, index update and search) at N = 2^12 and their equality at 2^10 and 2^16; \
            backward-record bytes and heap allocations per step; step times normalised by a \
            calibration workload timed in the same round, against the baseline; in-run timing ratios (including \
            the growth from 2^12 to 2^20), paired round by round; resident memory; and the gradient checks of the \
            verification harness. Prints a table (check, expected, measured, verdict). \
            Exit 0 when every check holds, 1 when a check regressed or was skipped (a skipped check is a failure \
            unless --allow-skipped), 2 on a usage or input error. \
            \(ExitConvention.help)
            """)

    @Option(help: "The baseline (JSON).") var baseline = "reports/baseline.json"
    @Flag(help: "Fewer timed rounds and verification cases (CI).") var quick = false
    @Option(help: "Also write a Markdown summary to this file.") var report: String?
    @Option(help: "Also write JUnit XML (one test case per check) to this file.") var junit: String?
    @Option(help: "Also write the results as JSON to this file.") var json: String?
    @Flag(help: "Let skipped checks (those that cannot be judged here) pass; by default a skipped check fails the gate.")
    var allowSkipped = false
    @Flag(help: "Write a new baseline (to --baseline) from this run: every measured figure; fixed claims are kept. Refused if a check regressed, unless named with --accept-regression.")
    var update = false
    @Flag(help: "Create a first baseline at --baseline from the built-in checks, measured now (refuses to overwrite an existing file).")
    var `init` = false
    @Option(help: "With --update: accept this regressed check (its full name from the table); repeat for several, each with its --reason.")
    var acceptRegression: [String] = []
    @Option(help: "With --accept-regression: why the regression is accepted (kept in the baseline); one per --accept-regression, in order.")
    var reason: [String] = []
    @Flag(help: "Measure the gate's power: inject each regression --repetitions times, run --clean-passes clean passes, write --power-report.")
    var power = false
    @Option(help: "With --power: runs per injection.") var repetitions = 20
    @Option(help: "With --power: runs of the controller slowdown.") var slowdownRepetitions = 10
    @Option(help: "With --power: clean runs counting false alarms.") var cleanPasses = 20
    @Option(help: "With --power: the injections to measure, comma-separated (default all).") var injections: String?
    @Option(help: "With --power: where the power report goes.") var powerReport = "reports/gate-power.md"
    @Option(help: ArgumentHelp("Write each timing check's between-run spread s_b into --baseline, measured over these JSON result files (comma-separated, at least 3) of separate clean runs of `samkit gate --quick --json FILE` against that baseline; the timing rule derives its tolerance from s_b and the number of runs (Proofs/gate-timing.md). `make gate-power` does it.", valueName: "files"))
    var recordSpread: String?
    @Option(help: "Test-only: inject a regression into every model the gate builds (\(Injection.allCases.map(\.rawValue).joined(separator: ", "))).")
    var inject: String?
    @Option(help: "Only the checks whose name contains one of these comma-separated texts.") var only: String?
    @Flag(help: "Skip the timing checks (ratios and normalised step times): they are then not run at all, not reported.")
    var noTiming = false
    @Flag(help: "Skip the resident-memory checks.") var noMemory = false

    func run() throws {
        let injection: Injection? = try inject.map { name in
            guard let i = Injection(rawValue: name) else {
                throw usage(.option(name: "inject", value: name, valid: Injection.allCases.map(\.rawValue).joined(separator: ", ")))
            }
            return i
        }
        try validateCombinations(injection: injection)
        let base: Baseline
        do { base = try `init` ? Baseline.template() : Baseline.load(path: baseline) } catch { throw usage(error) }
        do {
            for (option, path) in [("--report", report), ("--junit", junit), ("--json", json)] {
                if let path { try OutputPath.check(path, option: option, as: .file) }
            }
        } catch { throw usage(error) }

        let counter: AllocationCounter = { block in
            allocation_counter_start()
            block()
            return Int(allocation_counter_stop())
        }
        let progress = ProgressLine()   // on stderr when it is a terminal; quiet in CI logs
        let options = GateOptions(quick: quick, injection: injection, allocations: counter, timing: !noTiming,
                                  memory: !noMemory, allowSkipped: allowSkipped, only: only,
                                  progress: { progress.show("gate: \($0)", force: true) })
        if let files = recordSpread { return try recordSpreads(base, files: files.split(separator: ",").map(String.init)) }
        let runner = GateRunner(baseline: base, options: options)
        if power { return try runPower(runner, progress: progress) }
        let result: GateRun
        do { result = try runner.run() } catch { throw usage(error) }
        progress.finish()

        if let injection { print("injected regression (test-only): \(injection.rawValue)\n") }
        print(result.table)
        print("")
        print(result.summary)
        try write(Data(result.markdown(baselinePath: baseline).utf8), to: report, option: "report")
        try write(Data(result.junitXML().utf8), to: junit, option: "junit")
        if json != nil { try write(try result.json(baselinePath: baseline), to: json, option: "json") }
        if update || `init` {
            let accepting = Dictionary(zip(acceptRegression, reason).map { ($0, $1) }, uniquingKeysWith: { $1 })
            let written: Baseline
            do { written = try result.updated(base, accepting: accepting, initialising: `init`) } catch let e as GateError {
                if case .refused = e {
                    FileHandle.standardError.write(Data("samkit gate: \(e)\n".utf8))
                    throw ExitCode(1)
                }
                throw usage(e)
            }
            try write(try written.encoded(), to: baseline, option: "baseline")
            print("gate \(`init` ? "--init" : "--update"): wrote \(baseline)")
            return
        }
        if !result.passed { throw ExitCode(1) }
    }

    private func validateCombinations(injection: Injection?) throws {
        if (update || `init`) && injection != nil { throw usage(.option(name: "update", value: "with --inject", valid: "a clean run only")) }
        if update && `init` { throw usage(.option(name: "init", value: "with --update", valid: "one of them")) }
        if `init` && FileManager.default.fileExists(atPath: baseline) {
            throw usage(.option(name: "init", value: baseline, valid: "a path with no baseline yet (use --update to rewrite one)"))
        }
        if acceptRegression.count != reason.count {
            throw usage(.option(name: "reason", value: "\(reason.count) given for \(acceptRegression.count) --accept-regression",
                                valid: "exactly one --reason per --accept-regression"))
        }
        if !acceptRegression.isEmpty && !update {
            throw usage(.option(name: "accept-regression", value: acceptRegression[0], valid: "only with --update"))
        }
        if let r = reason.first(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw usage(.option(name: "reason", value: "\"\(r)\"", valid: "a non-empty text"))
        }
        if power && (update || `init` || injection != nil) {
            throw usage(.option(name: "power", value: "with --update, --init or --inject", valid: "--power alone"))
        }
        if !(1...1000).contains(repetitions) { throw usage(.option(name: "repetitions", value: "\(repetitions)", valid: "1...1000")) }
        if !(1...1000).contains(slowdownRepetitions) {
            throw usage(.option(name: "slowdown-repetitions", value: "\(slowdownRepetitions)", valid: "1...1000"))
        }
        if !(0...1000).contains(cleanPasses) { throw usage(.option(name: "clean-passes", value: "\(cleanPasses)", valid: "0...1000")) }
        if let files = recordSpread {
            if power || update || `init` || injection != nil {
                throw usage(.option(name: "record-spread", value: "with --power, --update, --init or --inject", valid: "--record-spread alone"))
            }
            let count = files.split(separator: ",").count
            if count < 3 { throw usage(.option(name: "record-spread", value: "\(count) result files", valid: "3 or more")) }
        }
    }

    private func runPower(_ runner: GateRunner, progress: ProgressLine) throws {
        var plan = PowerPlan(repetitions: repetitions, cleanPasses: cleanPasses, slowdownRepetitions: slowdownRepetitions)
        if let injections {
            plan.injections = try injections.split(separator: ",").map { name in
                guard let i = Injection(rawValue: String(name)) else {
                    throw usage(.option(name: "injections", value: String(name),
                                        valid: Injection.allCases.map(\.rawValue).joined(separator: ", ")))
                }
                return i
            }
        }
        let report: PowerReport
        do { report = try runner.power(plan) } catch { throw usage(error) }
        progress.finish()
        let md = report.markdown()
        print(md)
        try write(Data(md.utf8), to: powerReport, option: "power-report")
        if !report.meets(catchFraction: 0.95, slowdownFraction: 0.9) { throw ExitCode(1) }
    }

    /// `--record-spread`: s_b of every timing check over separate runs' result files, into --baseline.
    private func recordSpreads(_ base: Baseline, files: [String]) throws {
        let spreads: [TimingSpread]
        do { spreads = try base.timingSpreads(resultFiles: files) } catch { throw usage(error) }
        let updated = base.recordingSpreads(spreads, runs: files.count)
        print("between-run spread over \(files.count) separate runs (estimate / baseline figure):")
        for t in spreads {
            let sb = t.spread ?? 0
            print(String(format: "  %@: min %.3f, median %.3f, max %.3f, s_b %.2f%%, tolerance %.1f%%", t.name,
                         t.relative.min() ?? 1, Bootstrap.median(t.relative), t.relative.max() ?? 1, sb * 100,
                         TimingRule.betweenRunTolerance(spread: sb, runs: files.count) * 100))
        }
        try write(try updated.encoded(), to: baseline, option: "baseline")
        print("gate --record-spread: wrote \(baseline)")
    }

    /// Writes a file atomically (no half-written file); a failure is an input error naming the option.
    private func write(_ data: Data, to path: String?, option: String) throws {
        guard let path else { return }
        do {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(data, to: url)
        } catch { throw usage(.option(name: option, value: path, valid: "a writable path (\(error))")) }
    }
}

/// A usage or input error: the message on stderr, exit 2.
private func usage(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("samkit gate: error: \(error)\n".utf8))
    return ExitCode(2)
}
private func usage(_ error: GateError) -> ExitCode { usage(error as any Error) }
