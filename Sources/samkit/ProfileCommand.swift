import ArgumentParser

/// `samkit profile`.
struct ProfileCommand: NotBuiltYet {
    static let configuration = CommandConfiguration(commandName: "profile", abstract: "Measure time and memory per step over memory sizes. (not built yet)")
    static let issue = 5
}
