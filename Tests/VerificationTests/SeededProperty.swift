import Foundation
import PropertyBased

/// Property runs that replay: PropertyBased's generators driven by a seeded Xoshiro, and an explicit
/// greedy shrinker. The seed is fixed in CI and printed; `SAMKIT_PROPERTY_SEED=random` explores (the
/// seed drawn is printed, so a failure replays with `SAMKIT_PROPERTY_SEED=<seed>`).
enum SeededProperty {
    static let defaultSeed: UInt64 = 0x5A3_C0DE

    /// The seed of this run: SAMKIT_PROPERTY_SEED (a number, or `random`), else `defaultSeed`.
    static var seed: UInt64 {
        switch ProcessInfo.processInfo.environment["SAMKIT_PROPERTY_SEED"] {
        case "random"?: UInt64.random(in: 0...UInt64.max)
        case let text?: UInt64(text) ?? defaultSeed
        case nil: defaultSeed
        }
    }

    /// A failing input, before and after shrinking.
    struct Failure<Input> {
        let seed: UInt64
        let original: Input
        let shrunk: Input
        let message: String
        let shrinkSteps: Int
    }

    /// Draws `count` inputs from `generator` with `seed`; on the first input whose `failure` is non-nil,
    /// shrinks it greedily (the first candidate of `shrink` that still fails, until none does).
    static func check<Input>(count: Int, seed: UInt64, _ generator: Generator<Input, some Sequence>,
                             shrink: (Input) -> [Input], failure: (Input) throws -> String?) rethrows -> Failure<Input>? {
        var rng = Xoshiro(seed: (seed, seed ^ 0x9E37_79B9_7F4A_7C15, ~seed, seed &* 3))
        print("property seed \(seed) (SAMKIT_PROPERTY_SEED=\(seed) replays it)")
        for _ in 0..<count {
            let input = generator.run(using: &rng)
            guard var message = try failure(input) else { continue }
            var current = input, steps = 0
            search: while true {
                for candidate in shrink(current) {
                    if let m = try failure(candidate) {
                        current = candidate
                        message = m
                        steps += 1
                        continue search
                    }
                }
                break
            }
            return Failure(seed: seed, original: input, shrunk: current, message: message, shrinkSteps: steps)
        }
        return nil
    }

    /// Candidates for an integer toward `lowest`: the bound itself, halfway, one less.
    static func shrink(_ value: Int, toward lowest: Int) -> [Int] {
        guard value > lowest else { return [] }
        var candidates = [lowest, lowest + (value - lowest) / 2, value - 1]
        candidates = candidates.filter { $0 < value }
        var seen = Set<Int>()
        return candidates.filter { seen.insert($0).inserted }
    }
}
