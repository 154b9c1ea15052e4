import Foundation
import Testing

/// The bad-input suite (issue 13): every probe runs the release binary (`SAMKIT_BINARY`, set by
/// `make bad-input`) as a subprocess and must exit 2 with a message naming the field, no trap, no
/// forbidden text (Foundation domains, Swift type names, decoder dumps), and no file created or
/// changed in its working folder. Without `SAMKIT_BINARY` the suite is skipped, not passed.
@Suite(.enabled(if: ProbeRunner.binary != nil, "set SAMKIT_BINARY to a release samkit (make bad-input)"))
struct BadInputTests {
    static let probes = OptionProbes.all + FileProbes.all

    @Test func atLeastEightyDistinctProbes() {
        #expect(Set(Self.probes.map { $0.description + "\($0.files.keys.sorted())" + "\($0.files.values.map(\.hashValue).sorted())" }).count
                == Self.probes.count)
        #expect(Self.probes.count >= 80)
    }

    @Test(arguments: probes)
    func badInputIsRefusedByName(_ probe: Probe) throws {
        let outcome = try ProbeRunner.run(probe)
        let owner = probe.owner.map { " (validation owned by \($0))" } ?? ""
        #expect(!outcome.timedOut, "ran past \(ProbeRunner.timeLimit) s\(owner)")
        #expect(!outcome.signalled, "killed by a signal (trap)\(owner)")
        #expect(outcome.exitCode == probe.exitCode, "exit \(outcome.exitCode), expected \(probe.exitCode)\(owner): \(outcome.stderr.prefix(300))")
        #expect(outcome.stderr.lowercased().contains(probe.field.lowercased()),
                "message does not name \(probe.field)\(owner): \(outcome.stderr.prefix(300))")
        for text in ProbeRunner.forbidden {
            #expect(!outcome.stderr.contains(text), "message contains '\(text)'\(owner): \(outcome.stderr.prefix(300))")
        }
        #expect(outcome.changedFiles.isEmpty, "files created or changed: \(outcome.changedFiles)\(owner)")
    }

    /// Progress without a terminal (stderr is a file here): one line per unit of work, (index, N).
    @Test func progressWithoutATerminalIsOneLinePerUnit() throws {
        let run = Probe(area: "progress", arguments: ["index-bench", "--index", "exact", "--sizes", "4,2^3", "--steps", "1",
                                                      "--sam-steps", "0"], exitCode: 0, field: "")
        let outcome = try ProbeRunner.run(run)
        #expect(outcome.exitCode == 0, "\(outcome.stderr)")
        let lines = outcome.stderr.split(separator: "\n").filter { $0.hasPrefix("index-bench: exact") }
        #expect(lines.map(String.init) == ["index-bench: exact random-unit N=4 done", "index-bench: exact random-unit N=8 done"])
        #expect(!outcome.stderr.contains("\u{1B}["), "terminal control codes without a terminal")
    }

    /// Every subcommand's `--help` states the one exit convention (README "Exit codes") and exits 0.
    /// `gate` states it once issue 12's exit codes are merged.
    @Test(arguments: ["info", "verify", "profile", "fit", "report", "over-steps", "gate", "train", "learn", "index-bench"])
    func helpStatesTheExitConvention(_ subcommand: String) throws {
        let outcome = try ProbeRunner.run(Probe(area: "help", arguments: [subcommand, "--help"], exitCode: 0, field: ""))
        #expect(outcome.exitCode == 0)
        #expect(outcome.stdout.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
            .contains("Exit status: 0 success; 1 a check, claim or gate failed; 2 a usage or input error"))
    }
}
