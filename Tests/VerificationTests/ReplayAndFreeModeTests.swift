import Testing
import MemoryModels
@testable import Verification

/// Replay mode (decisions held fixed: tight), free mode (kinks counted and named), fast mode.
@Suite struct ReplayAndFreeModeTests {
    @Test(arguments: ModelKind.allCases) func replayModeMatchesEveryCoordinate(_ model: ModelKind) throws {
        for loss in LossKind.allCases {
            let r = try FiniteDifferenceCheck.run(try Cases.small(model, loss: loss), replay: true)
            #expect(r.passed, "\(r.report)")
            #expect(r.kinkCount == 0 && r.compared > 100)
            #expect(r.normwiseRelativeError < 1e-5, "\(r.report)")
            print("replay \(model) \(loss): worst norm-wise relative error \(format(r.normwiseRelativeError)), "
                  + "worst error/tolerance \(format(r.worst!.excess))")
        }
    }

    /// Free mode on the unperturbed small case: no decision sits near a flip, so no kinks and a pass.
    @Test(arguments: ModelKind.allCases) func freeModeMatchesAwayFromKinks(_ model: ModelKind) throws {
        let r = try FiniteDifferenceCheck.run(try Cases.small(model), replay: false)
        #expect(r.passed, "\(r.report)")
    }

    /// A step of 0.2 moves parameters far enough to flip selections: the flips are kinks, counted and
    /// named, excluded from the comparison, and never turned into a pass or a failure silently.
    @Test func freeModeReportsKinksNamingTheDecision() throws {
        let c = try Cases.small(.sam)
        let r = try FiniteDifferenceCheck.run(c, replay: false, step: 0.2)
        let total = try Probe(c).coordinateCount
        #expect(r.kinkCount > 0)
        #expect(r.compared + r.kinkCount == total)
        #expect(r.kinks.count == min(r.kinkCount, FiniteDifferenceCheck.namedKinks))
        #expect(r.kinks.allSatisfy { $0.decision.contains("step ") })
        #expect(r.report.contains("kinks \(r.kinkCount)"))
        // The same step in replay mode has no kinks: every coordinate is compared.
        let replay = try FiniteDifferenceCheck.run(c, replay: true, step: 0.2)
        #expect(replay.kinkCount == 0 && replay.compared == total)
    }

    @Test(arguments: ModelKind.allCases) func fastModeMatchesRandomDirections(_ model: ModelKind) throws {
        let r = try DirectionalCheck.run(try Cases.small(model), directions: 6)
        #expect(r.passed && r.compared == 6, "\(r.report)")
    }

    /// kdtree, lsh and hnsw indexes: replay mode must hold whatever rows the index chose.
    @Test(arguments: [IndexChoice.kdtree, .lsh, .hnsw]) func replayModeHoldsForApproximateIndexes(_ index: IndexChoice) throws {
        let c = try VerificationCase.make(model: .sam, n: 10, w: 3, r: 2, k: 3, h: 3, x: 2, y: 2, t: 3, index: index, seed: 11)
        let r = try FiniteDifferenceCheck.run(c, replay: true)
        #expect(r.passed, "\(r.report)")
    }
}
