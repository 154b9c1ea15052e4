import Testing
import Training

/// The learning report's claim rule: censored medians over seeds (a run that did not reach the
/// threshold counts as beyond the budget), met within 1.25× DAM's median, and "inconclusive"
/// wherever the budget cannot tell.
@Suite struct IterationsClaimTests {
    /// DAM's copy runs in reports/learning.md at a067020: 34000, 31000, 42000.
    static let dam: [Int?] = [34000, 31000, 42000]

    @Test func censoredMedianCountsUnreachedSeedsAsBeyondTheBudget() {
        #expect(IterationsClaim.censoredMedian(Self.dam) == 34000)
        #expect(IterationsClaim.censoredMedian([nil, 16000, 20500]) == 20500)
        #expect(IterationsClaim.censoredMedian([14000, nil, nil]) == nil)
        #expect(IterationsClaim.censoredMedian([nil, nil, nil]) == nil)
        #expect(IterationsClaim.censoredMedian([7]) == 7)
        #expect(IterationsClaim.censoredMedian([9, nil]) == 9)
        #expect(IterationsClaim.censoredMedian([]) == nil)
    }

    /// One fast seed out of three does not pass: the rule this replaces took the median over the
    /// seeds that reached the threshold only, and called this "met (0.41×)".
    @Test func oneSeedOfThreeIsNotAMedian() {
        let claim = IterationsClaim(model: [14000, nil, nil], dam: Self.dam, budget: 60000)
        #expect(claim.verdict == .contradicted)
        #expect(claim.text(modelName: "sam-kdtree").hasPrefix("contradicted: DAM's median 34000"))
    }

    @Test func bothReachedIsJudgedByTheRatioOfMedians() {
        #expect(IterationsClaim(model: [30000, 40000, 50000], dam: Self.dam, budget: 60000).verdict == .met)   // 1.18×
        #expect(IterationsClaim(model: [42500, 42500, nil], dam: Self.dam, budget: 60000).verdict == .met)     // exactly 1.25×
        #expect(IterationsClaim(model: [42501, 50000, nil], dam: Self.dam, budget: 60000).verdict == .contradicted)
        #expect(IterationsClaim(model: [16000, nil, 20500], dam: Self.dam, budget: 60000).text(modelName: "m")
                == "met: median 20500 against DAM's 34000, 0.60× (at most 1.25× is met)")
    }

    /// A model that never reached the threshold is contradicted only when the budget reaches 1.25×
    /// DAM's median; a shorter budget cannot tell.
    @Test func anUnreachedMedianNeedsABudgetOfAtLeastTheFactor() {
        #expect(IterationsClaim(model: [nil, nil, nil], dam: Self.dam, budget: 60000).verdict == .contradicted)
        #expect(IterationsClaim(model: [nil, nil, nil], dam: Self.dam, budget: 42500).verdict == .contradicted)
        let short = IterationsClaim(model: [nil, nil, nil], dam: Self.dam, budget: 42499)
        #expect(short.verdict == .inconclusive)
        #expect(short.text(modelName: "sam-kdtree").hasPrefix("inconclusive: sam-kdtree's median seed did not reach"))
    }

    @Test func anUnreachedDAMMedian() {
        #expect(IterationsClaim(model: [20000, 30000, nil], dam: [50000, nil, nil], budget: 60000).verdict == .met)
        #expect(IterationsClaim(model: [20000, nil, nil], dam: [nil, nil, nil], budget: 60000).verdict == .inconclusive)
        #expect(IterationsClaim(model: [], dam: Self.dam, budget: 60000).verdict == .inconclusive)
    }
}
