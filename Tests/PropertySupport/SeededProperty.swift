import Foundation
import PropertyBased
import Testing

/// Property runs that replay: PropertyBased's generators driven by a seeded Xoshiro, and an explicit
/// greedy shrinker. The seed is fixed in CI and printed; `SAMKIT_PROPERTY_SEED=random` explores (the
/// seed drawn is printed, so a failure replays with `SAMKIT_PROPERTY_SEED=<seed>`).
public enum SeededProperty {
    public static let defaultSeed: UInt64 = 0x5A3_C0DE

    /// The seed of this run: SAMKIT_PROPERTY_SEED (a number, or `random`), else `defaultSeed`.
    public static var seed: UInt64 {
        switch ProcessInfo.processInfo.environment["SAMKIT_PROPERTY_SEED"] {
        case "random"?: UInt64.random(in: 0...UInt64.max)
        case let text?: UInt64(text) ?? defaultSeed
        case nil: defaultSeed
        }
    }

    /// A failing input, before and after shrinking.
    public struct Failure<Input> {
        public let seed: UInt64
        public let original: Input
        public let shrunk: Input
        public let message: String
        public let shrinkSteps: Int
    }

    /// Draws `count` inputs from `generator` with `seed`; on the first input whose `failure` is non-nil,
    /// shrinks it greedily (the first candidate of `shrink` that still fails, until none does).
    public static func check<Input>(count: Int, seed: UInt64, _ generator: Generator<Input, some Sequence>,
                             shrink: (Input) -> [Input], failure: (Input) throws -> String?) rethrows -> Failure<Input>? {
        var rng = randomSource(seed)
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
    public static func shrink(_ value: Int, toward lowest: Int) -> [Int] {
        guard value > lowest else { return [] }
        var candidates = [lowest, lowest + (value - lowest) / 2, value - 1]
        candidates = candidates.filter { $0 < value }
        var seen = Set<Int>()
        return candidates.filter { seen.insert($0).inserted }
    }

    /// The seeded Xoshiro every property run draws from.
    static func randomSource(_ seed: UInt64) -> Xoshiro {
        Xoshiro(seed: (seed, seed ^ 0x9E37_79B9_7F4A_7C15, ~seed, seed &* 3))
    }

    /// `propertyCheck` under the run's fixed, printed seed (`seed`): `count` inputs drawn from `input`,
    /// `body` run on each. Shrinking is off (explicitly): the first input that throws is recorded as an
    /// issue with the seed that replays it; expectations inside `body` record their own issues.
    public static func forAll<Input>(count: Int, input generator: Generator<Input, some Sequence>,
                                     perform body: (Input) async throws -> Void,
                                     sourceLocation: SourceLocation = #_sourceLocation) async {
        let seed = Self.seed
        var rng = Self.randomSource(seed)
        print("property seed \(seed) (SAMKIT_PROPERTY_SEED=\(seed) replays it)")
        for _ in 0..<count {
            let input = generator.run(using: &rng)
            do { try await body(input) } catch {
                Issue.record(error, "input \(input), property seed \(seed) (SAMKIT_PROPERTY_SEED=\(seed) replays it)",
                             sourceLocation: sourceLocation)
                return
            }
        }
    }

    /// `forAll` over two generators.
    public static func forAll<A, B, IA, IB>(count: Int, input a: Generator<A, some Sequence<IA>>,
                                            _ b: Generator<B, some Sequence<IB>>, perform body: (A, B) async throws -> Void,
                                            sourceLocation: SourceLocation = #_sourceLocation) async {
        await forAll(count: count, input: zip(a, b), perform: { try await body($0.0, $0.1) }, sourceLocation: sourceLocation)
    }

    /// `forAll` over three generators.
    public static func forAll<A, B, C, IA, IB, IC>(count: Int, input a: Generator<A, some Sequence<IA>>,
                                                   _ b: Generator<B, some Sequence<IB>>, _ c: Generator<C, some Sequence<IC>>,
                                                   perform body: (A, B, C) async throws -> Void,
                                                   sourceLocation: SourceLocation = #_sourceLocation) async {
        await forAll(count: count, input: zip(a, b, c), perform: { try await body($0.0, $0.1, $0.2) },
                     sourceLocation: sourceLocation)
    }

    /// `forAll` over five generators.
    public static func forAll<A, B, C, D, E, IA, IB, IC, ID, IE>(
        count: Int, input a: Generator<A, some Sequence<IA>>, _ b: Generator<B, some Sequence<IB>>,
        _ c: Generator<C, some Sequence<IC>>, _ d: Generator<D, some Sequence<ID>>, _ e: Generator<E, some Sequence<IE>>,
        perform body: (A, B, C, D, E) async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        await forAll(count: count, input: zip(a, b, c, d, e), perform: { try await body($0.0, $0.1, $0.2, $0.3, $0.4) },
                     sourceLocation: sourceLocation)
    }

    /// `forAll` over six generators.
    public static func forAll<A, B, C, D, E, F, IA, IB, IC, ID, IE, IF>(
        count: Int, input a: Generator<A, some Sequence<IA>>, _ b: Generator<B, some Sequence<IB>>,
        _ c: Generator<C, some Sequence<IC>>, _ d: Generator<D, some Sequence<ID>>, _ e: Generator<E, some Sequence<IE>>,
        _ f: Generator<F, some Sequence<IF>>,
        perform body: (A, B, C, D, E, F) async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        await forAll(count: count, input: zip(a, b, c, d, e, f),
                     perform: { try await body($0.0, $0.1, $0.2, $0.3, $0.4, $0.5) }, sourceLocation: sourceLocation)
    }
}
