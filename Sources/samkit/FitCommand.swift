import ArgumentParser

/// `samkit fit`.
struct FitCommand: NotBuiltYet {
    static let configuration = CommandConfiguration(commandName: "fit", abstract: "Fit asymptotic complexity classes to profile measurements. (not built yet)")
    static let issue = 5
}
