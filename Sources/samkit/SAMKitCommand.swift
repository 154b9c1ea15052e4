import ArgumentParser
import Foundation

/// `samkit`: verify, profile and gate Sparse Access Memory (SAM), its dense twin (DAM) and the Sparse DNC.
@main
struct SAMKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samkit",
        abstract: "Verify and measure Sparse Access Memory (SAM) and its dense twin (DAM).",
        discussion: """
            SAM (Rae et al., NeurIPS 2016) reads and writes K rows of an N-word memory per step. \
            samkit checks its hand-written gradients against finite differences and the dense model, \
            measures time and memory per step over N, fits asymptotic classes, and gates regressions. \
            Run single-threaded: set OPENBLAS_NUM_THREADS=1 (the Makefile does).
            """,
        subcommands: [InfoCommand.self, VerifyCommand.self, ProfileCommand.self, FitCommand.self,
                      ReportCommand.self, GateCommand.self, TrainCommand.self, IndexBenchCommand.self])

    /// Usage errors that ArgumentParser finds itself (an unknown option, a malformed value) exit with
    /// the code each subcommand documents: 2 for `verify` and `gate`, 64 (EX_USAGE) elsewhere.
    static let usageExitCodes: [String: Int32] = ["verify": 2, "gate": 2]

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure,
                  let mapped = CommandLine.arguments.dropFirst().first.flatMap({ usageExitCodes[$0] }) else {
                exit(withError: error)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(mapped)
        }
    }
}
