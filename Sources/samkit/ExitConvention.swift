import ArgumentParser
import Foundation
import OutputFiles

/// The one exit convention of every subcommand (README "Exit codes").
enum ExitConvention {
    /// Success.
    static let success: Int32 = 0
    /// A check, claim or gate failed.
    static let failed: Int32 = 1
    /// A usage or input error: a bad option, a malformed or unreadable input file, an output path that
    /// cannot be written, a configuration too large for the machine; the message names the field.
    static let inputError: Int32 = 2

    /// The sentence every `--help` ends with.
    static let help = "Exit status: 0 success; 1 a check, claim or gate failed; 2 a usage or input error (the message names the option or field, the bad value and what is valid)."

    /// The exit code and message of an error from parsing or validating the command line: `--help`
    /// exits 0; ArgumentParser's usage errors (EX_USAGE, 64) and every other parse error exit 2.
    static func outcome(ofParsing error: any Error) -> (code: Int32, message: String) {
        let message = SAMKitCommand.fullMessage(for: error)
        return (SAMKitCommand.exitCode(for: error) == .success ? success : inputError, message)
    }

    /// The exit code and message of an error a command's `run` threw: an `ExitCode` the command chose
    /// passes through; `help` exits 0; anything else is an input or I/O error (2), described for a person.
    static func outcome(ofRunning error: any Error, command: String?) -> (code: Int32, message: String?) {
        if let exit = error as? ExitCode { return (exit.rawValue, nil) }
        if SAMKitCommand.exitCode(for: error) == .success { return (success, SAMKitCommand.fullMessage(for: error)) }  // help
        return (inputError, "samkit\(command.map { " \($0)" } ?? ""): error: \(InputErrorText.describe(error))")
    }
}
