import ArgumentParser

/// `samkit train`.
struct TrainCommand: NotBuiltYet {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Train a model on a task. (not built yet)")
    static let issue = 0
}
