// The CI regression gate (issue 6).
import ArgumentParser
import CAllocationCounter
import Foundation
import Gate
import OutputFiles

/// `samkit gate`: compare a short in-run measurement and the verification cases with the baseline.
/// Exit 0: every check holds; 2: a regression; 1: a usage or input error (bad option, missing or
/// malformed baseline, naming the field).
struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate", abstract: "Fail a change that breaks a gradient or a complexity class.",
        discussion: """
            Measures, in this process and single-threaded, SAM's and DAM's deterministic counters (backward-record \
            bytes per step, index rows updated per step, distance evaluations per query, heap allocations per step \
            in steady state), their growth over N, timing ratios within this run (interleaved repetitions, judged by \
            a one-sided bootstrap bound of the ratio of medians), and the gradient checks of the verification \
            harness; compares them with the baseline and prints a table (check, expected, measured, verdict). \
            Exit 0 when every check holds, 2 on a regression, 1 on a usage or input error.
            """)

    @Option(help: "The baseline (JSON).") var baseline = "reports/baseline.json"
    @Flag(help: "Fewer timed repetitions and verification cases (CI).") var quick = false
    @Option(help: "Also write a Markdown summary to this file.") var report: String?
    @Flag(help: "Write a new baseline (to --baseline) from this run: counters' expected values and ratios' last measurements; tolerances, thresholds, slope bounds and gradient checks are kept.")
    var update = false
    @Option(help: .hidden) var inject: String?
    @Option(help: .hidden) var only: String?
    @Flag(help: .hidden) var noTiming = false

    func run() throws {
        let injection: Injection?
        if let inject {
            guard let i = Injection(rawValue: inject) else {
                fail1(GateError.option(name: "inject", value: inject,
                                       valid: Injection.allCases.map(\.rawValue).joined(separator: ", ")))
            }
            injection = i
        } else { injection = nil }
        if update && injection != nil { fail1(GateError.option(name: "update", value: "with --inject", valid: "a clean run only")) }
        let base: Baseline
        do { base = try Baseline.load(path: baseline) } catch { fail1(error) }
        if let report {
            do { try OutputPath.check(report, option: "--report", as: .file) } catch { fail1(error) }
        }

        let counter: AllocationCounter = { block in
            allocation_counter_start()
            block()
            return Int(allocation_counter_stop())
        }
        let progress = ProgressLine()   // on stderr when it is a terminal; quiet in CI logs
        let options = GateOptions(quick: quick, injection: injection, allocations: counter, timing: !noTiming,
                                  only: only, progress: { progress.show("gate: \($0)", force: true) })
        let result: GateRun
        do { result = try GateRunner(baseline: base, options: options).run() } catch { fail1(error) }
        progress.finish()

        if let injection { print("injected regression (test-only): \(injection.rawValue)\n") }
        print(result.table)
        print("")
        print(result.summary)
        if let report {
            do {
                let url = URL(fileURLWithPath: report)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(result.markdown(baselinePath: baseline).utf8).write(to: url, options: .atomic)
            } catch { fail1(GateError.option(name: "report", value: report, valid: "a writable path (\(error.localizedDescription))")) }
        }
        if update {
            let blocking = result.regressions.filter { $0.kind != .counter }
            if !blocking.isEmpty {
                print("gate --update: not written: \(blocking.count) non-counter checks regressed (thresholds are kept)")
                throw ExitCode(2)
            }
            do { try result.updated(base).encoded().write(to: URL(fileURLWithPath: baseline), options: .atomic) } catch {
                fail1(GateError.option(name: "baseline", value: baseline, valid: "a writable path (\(error.localizedDescription))"))
            }
            print("gate --update: wrote \(baseline)")
            return
        }
        if !result.passed { throw ExitCode(2) }
    }
}

/// A usage or input error: the message on stderr, exit 1.
private func fail1(_ error: any Error) -> Never {
    FileHandle.standardError.write(Data("samkit gate: error: \(error)\n".utf8))
    Foundation.exit(1)
}
