import ArgumentParser
import BuildInfo
import Foundation
import SAMNumerics

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
            Runs single-threaded: samkit sets OpenBLAS to one thread at start (openblas_set_num_threads(1)), \
            whatever OPENBLAS_NUM_THREADS says. \
            \(ExitConvention.help)
            """,
        version: BuildInfo.version,
        subcommands: [InfoCommand.self, VerifyCommand.self, ProfileCommand.self, FitCommand.self,
                      ReportCommand.self, OverStepsCommand.self, GateCommand.self, TrainCommand.self, LearnCommand.self,
                      IndexBenchCommand.self])

    /// Every error exits by the one convention (`ExitConvention`): 2 for a usage or input error.
    static func main() {
        BLASThreads.useOne()   // single-threaded BLAS whatever the environment (BLASThreads)
        var command: any ParsableCommand
        do { command = try parseAsRoot() } catch {
            let (code, message) = ExitConvention.outcome(ofParsing: error)
            if code == ExitConvention.success { print(message) } else { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(code)
        }
        do { try command.run() } catch {
            let (code, message) = ExitConvention.outcome(ofRunning: error, command: command is SAMKitCommand ? nil
                                                            : type(of: command).configuration.commandName)
            if let message {
                if code == ExitConvention.success { print(message) } else { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            }
            Foundation.exit(code)
        }
    }
}
