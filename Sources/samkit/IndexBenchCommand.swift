import ArgumentParser

/// `samkit index-bench`.
struct IndexBenchCommand: NotBuiltYet {
    static let configuration = CommandConfiguration(commandName: "index-bench", abstract: "Measure recall and speed of the nearest-neighbour indexes. (not built yet)")
    static let issue = 4
}
