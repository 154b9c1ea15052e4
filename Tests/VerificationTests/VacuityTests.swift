import Testing
import Foundation
import MemoryModels
@testable import Verification

/// No vacuous verdicts: a check that could not have failed says "cannot judge", never "holds"; and the
/// detection floors it reports are the fault sizes it really catches.
@Suite struct VacuityTests {
    /// h = 1e-16: the rounding ε·κ/h swamps every gradient entry, so the tolerance is not small against
    /// any block. The check must not pass (it used to report "holds" with a worst relative error of 137%).
    @Test(arguments: [CheckKind.replay, .fast]) func roundingDominatedStepCannotJudge(_ check: CheckKind) throws {
        let r = Verifier.run(try Cases.small(.sam), check: check, settings: VerificationSettings(step: 1e-16))
        #expect(r.verdict == .cannotJudge && !r.passed, "\(r.report)")
        #expect(r.cannotJudge?.contains("not small against") == true || r.cannotJudge?.contains("mostly rounding") == true)
    }

    /// The default step on the same case judges (the criterion does not fire on clean, well-scaled cases).
    @Test func defaultStepJudges() throws {
        let r = Verifier.run(try Cases.small(.dam), check: .replay)
        #expect(r.verdict == .holds && r.cannotJudge == nil, "\(r.report)")
    }

    /// A step of 0.2 kinks most coordinates in free mode: more than 25% kinked is "cannot judge".
    @Test func freeModeWithMostCoordinatesKinkedCannotJudge() throws {
        let c = try Cases.small(.sam)
        let r = try FiniteDifferenceCheck.run(c, replay: false, step: 0.2)
        let total = r.compared + r.kinkCount
        if Double(r.kinkCount) > 0.25 * Double(total) {
            #expect(r.verdict != .holds && r.cannotJudge?.contains("kinked") == true, "\(r.report)")
        } else {
            #expect(r.cannotJudge?.contains("kinked") != true, "\(r.report)")
        }
        #expect(r.kinkCount > 0)
    }

    /// Nothing compared: the judgement refuses; a tolerance exceeded on a vacuous check still fails.
    @Test func nothingComparedIsNeverAPass() {
        let j = BlockJudgement()
        #expect(j.reason(compared: 0, kinks: 7, total: 7)?.contains("nothing was compared") == true)
        let c = try! Cases.small(.sam)
        let empty = CheckResult(check: .free, verificationCase: c, passed: true, worst: nil, compared: 0)
        #expect(empty.verdict == .cannotJudge && !empty.passed)
        let failed = CheckResult(check: .free, verificationCase: c, passed: false, worst: nil, compared: 3,
                                 cannotJudge: "tolerance too large")
        #expect(failed.verdict == .fails)
    }

    /// The floor of each block is the smallest relative fault its largest entry would show: a fault of
    /// that size on that entry exceeds the tolerance, one ten times smaller does not (or is below 1e-14).
    @Test func detectionFloorsAreTheSizesTheCheckCatches() throws {
        let r = try FiniteDifferenceCheck.run(try Cases.small(.sam), replay: true)
        #expect(!r.detectionFloors.isEmpty)
        for f in r.detectionFloors {
            let floor = try #require(f.floor, "\(f.block) catches no fault down to 1e-1")
            #expect(f.largestEntry * floor > f.tolerance * 0.5, "\(f)")
            #expect(floor <= 1e-4, "\(f.block): one-entry faults of 1e-4 are not caught on its largest entry (\(f))")
        }
    }
}

/// Every entry can fail: the per-entry bound of the dense comparisons sees a small fault on a small entry.
@Suite struct PerEntryBoundTests {
    /// A 1e-3 change to an entry 1e-7 the size of its block's maximum fails (the norm-wise bound alone
    /// let it pass); the same blocks unchanged pass.
    @Test func smallFaultOnASmallEntryFails() {
        let a = [1.0, -0.5, 1e-7], faulted = [1.0, -0.5, 1e-7 * (1 + 1e-3)]
        var clean = BlockComparison(relative: Tolerance.denseRelative, source: "test")
        clean.add("block", shape: [3], a, a)
        #expect(!clean.tracker.failed)
        var comparison = BlockComparison(relative: Tolerance.denseRelative, source: "test")
        comparison.add("block", shape: [3], faulted, a)
        #expect(comparison.tracker.failed)
        #expect(comparison.tracker.worst?.coordinate.index == 2)
        #expect(comparison.normwise <= Tolerance.denseRelative, "the norm-wise bound alone would not catch it")
    }
}

/// The fault sweep's machinery, small: it catches a 1e-4 fault on a block and on one entry, in Double
/// and in the Float path, and passes clean cases (the full sweep writes Proofs/fault-sweep.md).
@Suite struct FaultSweepTests {
    @Test func faultSweepCatchesSizedFaultsAndPassesCleanCode() throws {
        let c = try Cases.small(.sam)
        for p in [GradientPerturbation(block: "output.W", magnitude: 1e-4),
                  GradientPerturbation(block: "interface.W", oneEntry: true, magnitude: 1e-4)] {
            let r = try FiniteDifferenceCheck.run(c, replay: true, perturbation: p)
            #expect(r.verdict == .fails, "\(p): \(r.report)")
        }
        let float = try FloatAgreementCheck.run(c, perturbation: GradientPerturbation(block: "output.W", magnitude: 1e-4))
        #expect(float.verdict == .fails, "\(float.report)")
        var sweep = FaultSweep(seed: 1, cases: 0, cleanCases: 2)
        try sweep.run()
        #expect(sweep.cleanChecks > 0 && sweep.cleanFailures == 0, "\(sweep.firstFalseAlarm ?? "")")
        #expect(sweep.markdown(command: "test").contains("## Checked by"))
    }

    /// The sweep's cases run on worker threads (`OrderedWork`); its tables are the same for any number of
    /// workers: results come back in case order whatever the schedule, and the first error is rethrown.
    @Test func faultSweepTablesDoNotDependOnTheWorkers() throws {
        let work: @Sendable (Int) throws -> Int = { i in
            usleep(UInt32((i * 7919) % 5) * 1000)   // uneven durations, so the workers finish out of order
            return i * i
        }
        let one = try OrderedWork.map(40, workers: 1, work), three = try OrderedWork.map(40, workers: 3, work)
        #expect(one == (0..<40).map { $0 * $0 })
        #expect(three == one)
        struct Planted: Error {}
        #expect(throws: Planted.self) { try OrderedWork.map(40, workers: 2) { i in if i == 17 { throw Planted() }; return i } }
    }
}
