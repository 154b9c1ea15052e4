import ArgumentParser
import MemoryModels
import Profiling
import SAMNumerics

/// A bad option or input value: the option or field, the value, what is valid. Exit 2.
struct InputError: Error, CustomStringConvertible {
    let field: String, value: String, valid: String
    var description: String { "\(field) \(value) is not valid (valid: \(valid))" }
}

/// The range of every size and count option, shared by every subcommand (one place, one syntax:
/// a whole number or `2^k`, parsed by `SizeSyntax`).
enum OptionLimits {
    /// Memory words N (the profiler's range, `SweepPlan.sizeRange`).
    static let memoryWords = SweepPlan.sizeRange
    /// Word size W.
    static let wordSize = 1...4096
    /// Access heads R (also at most N).
    static let heads = 1...64
    /// Neighbours K (also at most N).
    static let neighbours = 1...1024
    /// Controller units H.
    static let hidden = 1...16384
    /// Copy task: bits per pattern and patterns per sequence.
    static let bits = 1...1024
    static let length = 1...10_000
    /// Episodes per training iteration.
    static let batch = 1...4096
    /// Training episodes, and episodes per reported point.
    static let episodes = 1...100_000_000
    /// Query-and-write steps of index-bench, and SAM steps writing its memory.
    static let benchSteps = 1...1_000_000
    static let samSteps = 0...10_000_000
    /// k-d forest trees and checks; LSH tables and bits (IndexSettings adds checks >= K).
    static let trees = 1...256
    static let checks = 1...(1 << 24)
    static let lshTables = 1...1024
    static let lshBits = 1...64

    /// "4...16777216 (2^24)" for help texts and errors.
    static func text(_ range: ClosedRange<Int>) -> String {
        let top = range.upperBound
        let power = top > 1 && top & (top - 1) == 0 ? " (2^\(top.trailingZeroBitCount))" : ""
        return "\(range.lowerBound)...\(top)\(power)"
    }
}

/// An ArgumentParser transform for a size or count option: `n` or `2^k`, in `range`.
func size(_ option: String, _ range: ClosedRange<Int>) -> @Sendable (String) throws -> Int {
    { text in
        guard let n = SizeSyntax.parse(text) else {
            throw InputError(field: option, value: "'\(text)'", valid: "a whole number or 2^k in \(OptionLimits.text(range))")
        }
        guard range.contains(n) else {
            throw InputError(field: option, value: n == SizeSyntax.overflow ? "'\(text)'" : "\(n)",
                             valid: OptionLimits.text(range))
        }
        return n
    }
}

/// Parses a comma-separated list of sizes (each `n` or `2^k`) in `range`, naming the bad entry.
func parseSizes(_ text: String, option: String, range: ClosedRange<Int>) throws -> [Int] {
    try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
        try size(option, range)(String(part))
    }
}
