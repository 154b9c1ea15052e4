import ArgumentParser

/// `samkit gate`.
struct GateCommand: NotBuiltYet {
    static let configuration = CommandConfiguration(commandName: "gate", abstract: "Fail a change that breaks a gradient or a complexity class. (not built yet)")
    static let issue = 6
}
