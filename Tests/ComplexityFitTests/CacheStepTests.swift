import Foundation
import SAMNumerics
import Testing
@testable import ComplexityFit

/// §7a of Proofs/complexity-fit.md: a cache step is no evidence of faster growth, and the same
/// steps offered to every class keep the power to tell genuinely different classes apart.
@Suite struct CacheStepTests {
    /// The report design: 2^10 … 2^20, 3 replicates, 5% log-normal noise, law × `step(N)`.
    static func analyses(_ law: @escaping (Double) -> Double, step: @escaping (Int) -> Double = { _ in 1 },
                         trials: Int, seed: UInt64, options: FitOptions = FitOptions()) throws -> [ComplexityAnalysis] {
        let sizes = (10...20).map { 1 << $0 }
        var rng = SeededGenerator(seed: seed)
        return try (0..<trials).map { _ in
            let groups = sizes.map { n in (0..<3).map { _ in law(Double(n)) * step(n) * exp(0.05 * (rng.normal() as Double)) } }
            return try ComplexityFitter(options: options).analyse(sizes: sizes, replicates: groups)
        }
    }

    static func outcomes(_ claimed: ComplexityClass, _ analyses: [ComplexityAnalysis]) -> [VerdictOutcome: Int] {
        analyses.reduce(into: [:]) { $0[ClaimVerdict.judge(claimed, $1).outcome, default: 0] += 1 }
    }

    static func text(_ outcomes: [VerdictOutcome: Int]) -> String {
        [VerdictOutcome.confirmed, .contradicted, .inconclusive].map { "\($0.rawValue) \(outcomes[$0, default: 0])" }.joined(separator: ", ")
    }

    /// The step sets each placement offers.
    @Test func stepSets() {
        let sizes = [1, 2, 4, 8, 16]
        #expect(CacheSteps.stepSets(.off, sizes: sizes) == [[]])
        #expect(CacheSteps.stepSets(.anywhere(maxSteps: 1), sizes: sizes) == [[], [1], [2], [3], [4]])
        #expect(CacheSteps.stepSets(.anywhere(maxSteps: 2), sizes: sizes).count == 1 + 4 + 6)
        #expect(CacheSteps.stepSets(.atSizes([3, 100]), sizes: sizes) == [[], [2]])
        #expect(CacheStepPlacement(name: "anywhere:2") == .anywhere(maxSteps: 2))
        #expect(CacheStepPlacement(name: "at:8193,262145") == .atSizes([8193, 262145]))
        #expect(CacheStepPlacement(name: "none") == .off && CacheStepPlacement(name: "anywhere:x") == nil)
    }

    /// An exact law with one step is fitted exactly by its class plus the step (χ² at the floor),
    /// and the step factor is what was put in.
    @Test func exactSteppedLawIsFittedExactly() throws {
        let sizes = (10...20).map { 1 << $0 }
        let values = sizes.map { n in [(1e-4 + 1e-9 * Double(n)) * (n >= 1 << 15 ? 1.3 : 1)] }
        let analysis = try ComplexityFitter().analyse(sizes: sizes, replicates: values.map { $0 + $0 + $0 })
        let stepped = try #require(try CacheSteps.chiSquared(.linear, summaries: analysis.summaries, steps: [5]))
        let plain = try #require(try CacheSteps.chiSquared(.linear, summaries: analysis.summaries, steps: []))
        #expect(stepped < 1e-6 * plain)
    }

    /// True O(N) whose cost rises 10–20% as the working set passes L2 and L3: the O(N) claim is
    /// contradicted in at most 5% (one free step cannot always absorb two jumps), and confirmed
    /// (plainly or "once both may step up") in ≥ 85%.
    @Test func linearWithCacheJumpsIsNotContradicted() throws {
        var rng = SeededGenerator(seed: 0xCAC4E)
        var outcomes: [VerdictOutcome: Int] = [:]
        for _ in 0..<100 {
            let h2 = Double.random(in: 0.1...0.2, using: &rng), h3 = Double.random(in: 0.1...0.2, using: &rng)
            let a = try Self.analyses({ 1e-5 + 1e-8 * $0 }, step: { ($0 >= 1 << 14 ? 1 + h2 : 1) * ($0 >= 1 << 19 ? 1 + h3 : 1) },
                                      trials: 1, seed: rng.next())[0]
            outcomes[ClaimVerdict.judge(.linear, a).outcome, default: 0] += 1
        }
        print("O(N) with L2/L3 jumps, claim O(N): \(Self.text(outcomes))")
        #expect(outcomes[.contradicted, default: 0] <= 5)
        #expect(outcomes[.confirmed, default: 0] >= 85)
    }

    /// Power: genuinely different classes are still told apart with the steps on. True O(N log N)
    /// contradicts O(N); true O(N²) contradicts O(N log N); O(log N) growing 1.5–2× is never
    /// confirmed as O(1). Each must hold in ≥ 90% of 100 series.
    @Test func genuinelyDifferentClassesAreStillCaught() throws {
        let nLogN = try Self.analyses({ 1e-4 + 1e-9 * $0 * log2($0) }, trials: 100, seed: 21)
        let quadratic = try Self.analyses({ 1e-4 + 1e-14 * $0 * $0 }, trials: 100, seed: 22)
        let logN = try Self.analyses({ 10 + log2($0) }, trials: 100, seed: 23)
        let linearClaim = Self.outcomes(.linear, nLogN), nLogNClaim = Self.outcomes(.nLogN, quadratic)
        let constantClaim = Self.outcomes(.constant, logN)
        print("power: true O(N log N), claim O(N): \(Self.text(linearClaim)); true O(N^2), claim O(N log N): \(Self.text(nLogNClaim)); true O(log N) (×1.5), claim O(1): \(Self.text(constantClaim))")
        #expect(linearClaim[.contradicted, default: 0] >= 90)
        #expect(nLogNClaim[.contradicted, default: 0] >= 90)
        #expect(constantClaim[.confirmed, default: 0] <= 10)
    }

    /// Large growth is never O(1), steps or not: a constant with a ×4 step is contradicted as O(1).
    @Test func largeGrowthIsNeverConstantWithSteps() throws {
        let analyses = try Self.analyses({ _ in 1e-4 }, step: { $0 >= 1 << 15 ? 4 : 1 }, trials: 20, seed: 5)
        for a in analyses {
            #expect(a.selection.chosen != .constant)
            #expect(ClaimVerdict.judge(.constant, a).outcome == .contradicted)
        }
    }
}
