import ArgumentParser

/// `samkit report`.
struct ReportCommand: NotBuiltYet {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Profile and fit: write the scaling report. (not built yet)")
    static let issue = 5
}
