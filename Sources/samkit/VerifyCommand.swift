import ArgumentParser

/// `samkit verify`.
struct VerifyCommand: NotBuiltYet {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check hand-written gradients against finite differences and the dense model. (not built yet)")
    static let issue = 3
}
