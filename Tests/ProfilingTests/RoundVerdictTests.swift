import Foundation
import SAMNumerics
import Testing
@testable import Profiling

/// The round rule of the Headline's time targets (`RoundVerdict`) and its calibration on a run's
/// own noise (`RoundRuleCalibration`).
@Suite struct RoundVerdictTests {
    @Test func everyRoundMustMeetTheTarget() {
        let within: (Double) -> Bool = { $0 <= 1.5 }
        #expect(RoundVerdict([1.4, 1.45, 1.3]).status(meets: within) == .met)
        #expect(RoundVerdict([1.6, 1.7, 1.55]).status(meets: within) == .notMet)
        #expect(RoundVerdict([1.4, 1.6, 1.45]).status(meets: within) == .inconclusive)
        #expect(RoundVerdict([1.4]).status(meets: within) == .inconclusive)
        #expect(RoundVerdict([]).status(meets: within) == .inconclusive)
        #expect(RoundVerdict([2, 3]).divided(by: RoundVerdict([4, 2])) == RoundVerdict([0.5, 1.5]))
        #expect(RoundVerdict([2, 3]).divided(by: RoundVerdict([4])) == nil)
        #expect(RoundVerdict([1]).text { "\($0)" } == "one process per (model, N): no rounds to judge by")
        #expect(RoundVerdict([1, 2]).text { "\($0)" } == "by round: 1.0, 2.0")
    }

    /// A target over several (model, N): one part missed in every round fails it; all parts met meet it.
    @Test func aTargetOfSeveralPartsNeedsEveryPart() {
        #expect(HeadlineStatus.all([.met, .met]) == .met)
        #expect(HeadlineStatus.all([.met, .inconclusive]) == .inconclusive)
        #expect(HeadlineStatus.all([.inconclusive, .notMet, .met]) == .notMet)
        #expect(HeadlineStatus.all([]) == .inconclusive)
    }

    /// Two processes of two segments each: a round is the median of its process's segments, and an
    /// episode is T such steps plus the round's reset.
    @Test func roundsAreEachProcesssMedians() {
        let m = SizeMeasurement(model: .samKDTree, size: 1024, steps: 8, warmupSegments: 1, setupSeconds: 1,
                                forwardSeconds: [1, 3, 10, 20], backwardSeconds: [1, 1, 0, 0], resetSeconds: [4, 6, 8, 8],
                                cpuSeconds: [2, 4, 10, 20], recordBytesPerStep: [1, 1, 1, 1], peakResidentBytes: nil,
                                setupPeakResidentBytes: nil, isolated: true, processes: 2)
        #expect(m.roundStepSeconds == RoundVerdict([3, 15]))
        #expect(m.roundEpisodeSeconds == RoundVerdict([8 * 3 + 5, 8 * 15 + 8]))
        let single = SizeMeasurement(model: .samKDTree, size: 1024, steps: 8, warmupSegments: 1, setupSeconds: 1,
                                     forwardSeconds: [1, 3], backwardSeconds: [1, 1], resetSeconds: [4, 6],
                                     cpuSeconds: [2, 4], recordBytesPerStep: [1, 1], peakResidentBytes: nil,
                                     setupPeakResidentBytes: nil, isolated: true)
        #expect(single.roundStepSeconds.rounds.isEmpty)
        #expect(single.roundEpisodeSeconds.rounds.isEmpty)
    }

    /// A compact forest whose 2^20 episode meets 1.5× in one round and misses it in two, as the
    /// committed report at 7d47dc6 had it (pooled 1.36×): the row is inconclusive, not met.
    @Test func disagreeingRoundsMakeTheEpisodeRowInconclusive() throws {
        func measurement(_ n: Int, _ steps: [Double]) -> SizeMeasurement {
            SizeMeasurement(model: .samKDTreeCompact, size: n, steps: 8, warmupSegments: 1, setupSeconds: 1,
                            forwardSeconds: steps.map { $0 * 0.6 }, backwardSeconds: steps.map { $0 * 0.4 },
                            resetSeconds: steps.map { _ in 1e-4 }, cpuSeconds: steps, recordBytesPerStep: steps.map { _ in 1 },
                            peakResidentBytes: 1 << 20, setupPeakResidentBytes: 1 << 20, isolated: true, processes: 3)
        }
        let plan = try SweepPlan(models: [.samKDTreeCompact], sizes: [1 << 10, 1 << 20], steps: 8, repeats: 1, warmup: 1,
                                 requireFitSizes: false)
        let set = MeasurementSet(plan: plan, machine: .current(), measurements: [
            measurement(1 << 10, [160e-6, 135e-6, 205e-6]), measurement(1 << 20, [220e-6, 236e-6, 390e-6]),
        ], failures: [], sweepSeconds: 1)
        let md = Headline.render(ScalingAnalyser().analyse(set))
        let row = try HeadlineTests.row(md, "SAM (compact k-d forest): an episode")
        #expect(row.contains("by round: 1.35×, 1.68×, 1.85×"), "\(row)")
        #expect(row.contains("| inconclusive |"), "\(row)")
        let step = try HeadlineTests.row(md, "SAM (compact k-d forest): forward + backward")
        #expect(step.contains("| inconclusive |"), "\(step)")
    }

    /// The same rounds as above, but each segment's paired reference (the controller, timed right after it)
    /// was slowed by the same machine speed as the segment: the compact forest's episode is 1.3× in every
    /// round against the reference, so the row is met, and 1.7× in every round is not met.
    @Test func thePairedReferenceCancelsTheMachinesSpeed() throws {
        // Machine speed per round at 2^10 and at 2^20 (the raw ratios 1.35×, 1.68×, 1.85× of the test above).
        let speed10 = [1.0, 0.85, 1.28], speed20 = [1.0, 1.07, 1.77]
        func measurement(_ n: Int, episodeInReferences: Double, speeds: [Double]) -> SizeMeasurement {
            let reference = speeds.map { 90e-6 * $0 }
            let steps = reference.map { ($0 * episodeInReferences * 8 - 1e-4) / 8 }
            var m = SizeMeasurement(model: .samKDTreeCompact, size: n, steps: 8, warmupSegments: 1, setupSeconds: 1,
                                    forwardSeconds: steps.map { $0 * 0.6 }, backwardSeconds: steps.map { $0 * 0.4 },
                                    resetSeconds: steps.map { _ in 1e-4 }, cpuSeconds: steps, recordBytesPerStep: steps.map { _ in 1 },
                                    peakResidentBytes: 1 << 20, setupPeakResidentBytes: 1 << 20, isolated: true, processes: 3)
            m.referenceStepSeconds = reference
            return m
        }
        let plan = try SweepPlan(models: [.samKDTreeCompact], sizes: [1 << 10, 1 << 20], steps: 8, repeats: 1, warmup: 1,
                                 requireFitSizes: false)
        for (ratio, status) in [(1.3, "| met |"), (1.7, "| **not met** |")] {
            let set = MeasurementSet(plan: plan, machine: .current(), measurements: [
                measurement(1 << 10, episodeInReferences: 2, speeds: speed10),
                measurement(1 << 20, episodeInReferences: 2 * ratio, speeds: speed20),
            ], failures: [], sweepSeconds: 1)
            try set.validate()
            let a = set.measurements[1], b = set.measurements[0]
            let paired = try #require(a.roundReferencedEpisode.divided(by: b.roundReferencedEpisode))
            #expect(paired.rounds.allSatisfy { abs($0 - ratio) < 1e-9 }, "\(paired)")
            let row = try HeadlineTests.row(Headline.render(ScalingAnalyser().analyse(set)), "SAM (compact k-d forest): an episode")
            #expect(row.contains("against the paired reference (judged): \(Headline.times(ratio)), \(Headline.times(ratio))"), "\(row)")
            #expect(row.contains(status), "\(row)")
        }
    }

    /// The paired null: referenced steps that move exactly with their references give no noise at all,
    /// while the same raw steps carry the machine's speed.
    @Test func pairedCalibrationUsesReferencedStepsAcrossRounds() throws {
        func referenced(_ set: MeasurementSet) -> MeasurementSet {
            MeasurementSet(plan: set.plan, machine: set.machine, measurements: set.measurements.map { m in
                var m = m
                m.referenceStepSeconds = m.stepSeconds.map { $0 / 1.2 }
                return m
            }, failures: [], sweepSeconds: 1)
        }
        let rounds = [[1e-4, 1.3e-4, 0.9e-4], [1e-4, 1e-4, 1.5e-4]]
        var set = try Self.controllerSet(rounds, model: .samKDTree)
        #expect(RoundRuleCalibration.measurePaired(set) == nil, "no references, no paired calibration")
        #expect(RoundRuleCalibration.measurePaired(referenced(try Self.controllerSet(rounds))) == nil,
                "the controller's reference is its twin: not a model's noise")
        set = referenced(set)
        let paired = try #require(RoundRuleCalibration.measurePaired(set, draws: 2_000))
        #expect(paired.nullSamples == 6 && paired.rounds == 3 && abs(paired.medianAbsoluteFactor - 1) < 1e-12)
        guard case let .pairedAcrossRounds(raw) = paired.source else { Issue.record("source \(paired.source)"); return }
        #expect(raw > 1.2)
        for r in paired.rates { #expect(r.withinMet == 1 && r.outsideNotMet == 1) }
        #expect(paired.render().contains("paired reference"))
    }

    /// One model at sizes 2^10, 2^11, ..., `rounds[i]` the step in each round at the i-th size.
    static func controllerSet(_ rounds: [[Double]], model: ProfiledModel = .controller) throws -> MeasurementSet {
        let sizes = rounds.indices.map { 1 << (10 + $0) }
        let plan = try SweepPlan(models: [model], sizes: sizes, steps: 8, repeats: 1, warmup: 1, requireFitSizes: false)
        let measurements = zip(sizes, rounds).map { n, steps in
            SizeMeasurement(model: model, size: n, steps: 8, warmupSegments: 1, setupSeconds: 1,
                            forwardSeconds: steps, backwardSeconds: steps.map { _ in 0 }, cpuSeconds: steps,
                            recordBytesPerStep: steps.map { _ in 0 }, peakResidentBytes: nil, setupPeakResidentBytes: nil,
                            isolated: true, processes: steps.count)
        }
        return MeasurementSet(plan: plan, machine: .current(), measurements: measurements, failures: [], sweepSeconds: 1)
    }

    /// Without noise the rule is always right; with this machine's two speed states (the controller
    /// at 87.5 or 130 µs), the rule's false "met" is rarer than the pooled figure's at every margin.
    @Test func calibrationMeasuresBothRulesOnTheNull() throws {
        let quiet = try #require(RoundRuleCalibration.measure(try Self.controllerSet(Array(repeating: [1e-4, 1e-4, 1e-4], count: 4)),
                                                             draws: 2_000))
        #expect(quiet.nullSamples == 18 && quiet.rounds == 3)
        for r in quiet.rates {
            #expect(r.withinMet == 1 && r.outsideNotMet == 1 && r.outsidePooledMet == 0 && r.withinPooledNotMet == 0)
        }
        var generator = SeededGenerator(seed: 7)
        let states = (0..<11).map { _ in (0..<3).map { _ in generator.next() % 3 == 0 ? 130e-6 : 87.5e-6 } }
        let noisy = try #require(RoundRuleCalibration.measure(try Self.controllerSet(states), draws: 4_000))
        for r in noisy.rates {
            #expect(r.outsideMet < r.outsidePooledMet, "\(r)")
            #expect(r.withinMet + r.withinInconclusive + r.withinNotMet > 0.999)
        }
        #expect(noisy.render().contains("| 10% inside |"))
        #expect(RoundRuleCalibration.measure(try Self.controllerSet([[1e-4]])) == nil)
    }
}
