import ArgumentParser

/// A subcommand whose issue has not landed yet: it says so and exits non-zero.
protocol NotBuiltYet: ParsableCommand {
    static var issue: Int { get }
}

extension NotBuiltYet {
    func run() throws {
        let name = Self.configuration.commandName ?? ""
        print("samkit \(name): not built yet" + (Self.issue > 0 ? " (issue #\(Self.issue))." : " (no issue filed yet)."))
        throw ExitCode(3)
    }
}
