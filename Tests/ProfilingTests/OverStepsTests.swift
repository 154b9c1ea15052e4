import ComplexityFit
import Foundation
import Testing
@testable import Profiling

/// The memory-over-steps measurement (the paper's Fig. 1b): its plan's validation, its fit on
/// synthetic resident-memory series, and one tiny real run in this process.
@Suite struct OverStepsTests {
    /// Points whose peak is `peak(T)`, with a seeded jitter of ±`jitter` bytes (page-sized noise).
    static func points(_ steps: [Int], jitter: Int = 4096, seed: UInt64 = 3, _ peak: (Double) -> Double) -> [OverStepsPoint] {
        var state = seed
        return steps.map { t in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let noise = Int(state >> 33) % (2 * jitter + 1) - jitter
            let base = 600 << 20
            return OverStepsPoint(steps: t, baselineResidentBytes: base, startResidentBytes: base,
                                  peakResidentBytes: Int(peak(Double(t))) + noise, recordBytes: 7_400 * t,
                                  seconds: 1e-3 * Double(t), freshProcess: true)
        }
    }

    static let paperSteps = OverStepsPlan.standardSteps

    @Test(arguments: [2_048.0, 8_192.0, 10_240.0, 40_000.0])
    func aKnownSlopeIsRecovered(slope: Double) throws {
        let fit = try #require(try OverStepsFit.fit(Self.points(Self.paperSteps) { 600 * 1_048_576 + 300_000 + slope * $0 }))
        let b = try #require(fit.growthPerStep)
        #expect(abs(b.value - slope) < 0.01 * slope, "b = \(b.value), true slope \(slope)")
        #expect(fit.linearVerdict.outcome == .confirmed, "\(fit.linearVerdict.reason)")
    }

    @Test(arguments: [4, 6])
    func quadraticGrowthIsNotCalledLinear(count: Int) throws {
        let steps = Array([100, 300, 1_000, 3_000, 10_000, 100_000].suffix(count))
        let fit = try #require(try OverStepsFit.fit(Self.points(steps) { 600 * 1_048_576 + 2_000 * $0 + 0.05 * $0 * $0 }))
        #expect(fit.analysis.selection.chosen != .linear)
        #expect(fit.linearVerdict.outcome != .confirmed, "\(fit.linearVerdict.reason)")
    }

    @Test func fewerThanFourStepCountsGiveNoFit() throws {
        let plan = try OverStepsPlan(model: .dam, size: 1 << 16, steps: [100])
        let series = OverStepsSeries(plan: plan, points: Self.points([100]) { 600 * 1_048_576 + 1e9 + 0 * $0 })
        #expect(series.fit == nil)
        #expect(series.note?.contains("a fit needs 4") == true)
    }

    @Test func planRejectsBadStepLists() throws {
        #expect(throws: ProfilingError.self) { try OverStepsPlan(model: .samKDTree, size: 1 << 10, steps: [0, 100]) }
        #expect(throws: ProfilingError.self) { try OverStepsPlan(model: .samKDTree, size: 1 << 10, steps: [2_000_000]) }
        #expect(throws: ProfilingError.self) { try OverStepsPlan(model: .samKDTree, size: 1 << 10, steps: [100, 100]) }
        #expect(throws: ProfilingError.self) { try OverStepsPlan(model: .samKDTree, size: 1 << 10, steps: []) }
        #expect(throws: ProfilingError.self) { try OverStepsPlan(model: .samKDTree, size: 3, steps: [100]) }
        #expect(throws: ProfilingError.self) { try OverStepsPlan.parseSteps("100,abc") }
        #expect(try OverStepsPlan.parseSteps("2^10, 100") == [1_024, 100])
        #expect(try OverStepsPlan(model: .dam, size: 64, steps: [1_000, 10]).steps == [10, 1_000])
    }

    /// A real run in this process, tiny: every episode's peak is at least its start, the record grows with T.
    @Test func driverMeasuresEveryEpisode() throws {
        let plan = try OverStepsPlan(model: .samExact, size: 64, steps: [5, 50])
        let points = try OverStepsDriver(plan: plan).measure()
        #expect(points.map(\.steps) == [5, 50])
        for p in points {
            #expect(p.peakResidentBytes >= p.startResidentBytes)
            #expect(p.baselineResidentBytes > 0)
            #expect(!p.freshProcess)
        }
        #expect(points[1].recordBytes > points[0].recordBytes)
    }
}

/// The Headline table at the top of scaling.md, rendered from a fixture report.
@Suite struct HeadlineTests {
    static func measurement(_ model: ProfiledModel, _ n: Int, step: Double, peak: Int, reset: Double) -> SizeMeasurement {
        let k = [0.98, 1.0, 1.02]
        return SizeMeasurement(model: model, size: n, steps: 8, warmupSegments: 1, setupSeconds: 1,
                               forwardSeconds: k.map { $0 * step * 0.6 }, backwardSeconds: k.map { $0 * step * 0.4 },
                               resetSeconds: k.map { $0 * reset }, cpuSeconds: k.map { $0 * step },
                               recordBytesPerStep: [7_400, 7_400, 7_400], peakResidentBytes: peak,
                               setupPeakResidentBytes: peak, isolated: true, processes: 3)
    }

    /// SAM (k-d forest) at 2^10 and 2^20 (step 0.2 ms: met; peak 500 MiB: not met), no DAM, and the
    /// over-steps series at 2^20 growing 8 KiB per step.
    /// `allocations`: the allocations per step of each segment at (2^10, 2^20) (nil: not counted).
    static func report(allocations: ([Double], [Double])? = nil) throws -> ScalingReport {
        let sizes = [1 << 10, 1 << 20]
        let plan = try SweepPlan(models: [.samKDTree], sizes: sizes, steps: 8, repeats: 3, warmup: 1, requireFitSizes: false)
        var small = measurement(.samKDTree, 1 << 10, step: 0.15e-3, peak: 30 << 20, reset: 1e-4)
        var large = measurement(.samKDTree, 1 << 20, step: 0.2e-3, peak: 500 << 20, reset: 2e-4)
        small.allocationsPerStep = allocations?.0
        large.allocationsPerStep = allocations?.1
        let set = MeasurementSet(plan: plan, machine: .current(), measurements: [small, large], failures: [], sweepSeconds: 1)
        var report = ScalingAnalyser().analyse(set)
        let overPlan = try OverStepsPlan(model: .samKDTree, size: 1 << 20, steps: OverStepsPlan.standardSteps)
        let points = OverStepsTests.points(overPlan.steps) { 600 * 1_048_576 + 8_192 * $0 }
        report.overSteps = OverStepsResult(series: [OverStepsSeries(plan: overPlan, points: points)],
                                           processPerEpisode: false, seconds: 1)
        return report
    }

    /// The table row whose "what" column contains `text`.
    static func row(_ md: String, _ text: String) throws -> String {
        try #require(md.split(separator: "\n").first { $0.hasPrefix("|") && $0.contains(text) }.map(String.init))
    }

    @Test func rowsSayMetNotMetAndNotMeasured() throws {
        let md = Headline.render(try Self.report())
        #expect(try Self.row(md, "forward + backward time per step at N = 2^20").contains("| met |"))
        #expect(try Self.row(md, "peak resident memory at N = 2^20").contains("| **not met** |"))
        #expect(try Self.row(md, "growth per step, fitted against T").contains("| met |"))
        #expect(try Self.row(md, "100,000-step run").contains("| met |"))
        for absent in ["heap allocations", "BLAS rate", "DAM ÷ SAM (k-d forest)", "the bare controller", "recall@4", "DAM: the largest N"] {
            let line = try Self.row(md, absent)
            #expect(line.contains(Headline.notMeasured), "\(line)")
        }
        #expect(try Self.row(md, "an episode (T steps").contains("| met |"))
    }

    /// Row 3 reads the workers' allocation counts: a (model, N)'s steady state is its least segment;
    /// met when that is 0 everywhere, not met naming the worst (model, N) otherwise.
    @Test func allocationsRowReadsTheLeastSegmentOfEveryMeasurement() throws {
        let clean = Headline.render(try Self.report(allocations: ([0, 0.125, 0], [0.125, 0, 0])))
        #expect(try Self.row(clean, "heap allocations").contains("| 0 at every one of 2 (model, N) pairs of 1 models | 0 | met |"))
        let allocating = Headline.render(try Self.report(allocations: ([0, 0, 0], [3, 2.5, 2.5])))
        let line = try Self.row(allocating, "heap allocations")
        #expect(line.contains("| 2.5 (SAM (k-d forest), N = 1048576);"), "\(line)")
        #expect(line.contains("| **not met** |"), "\(line)")
    }

    @Test func theReportOpensWithTheHeadlineAndHasTheMemorySection() throws {
        let md = MarkdownReport(report: try Self.report(), plots: [:]).render()
        let headline = try #require(md.range(of: "## Headline"))
        let generated = try #require(md.range(of: "Generated by `samkit`"))
        #expect(headline.lowerBound < generated.lowerBound)
        #expect(md.contains(OverStepsReport.title))
        #expect(md.contains("| SAM (k-d forest) | 1048576 | 100000 |"))
    }

    /// SAM's two k-d forests are judged on rows of their own: FLANN's at 500 MiB is not met, the compact
    /// forest's at 400 MiB is met, and neither row shows the other's value.
    @Test func eachKDForestIsJudgedOnItsOwnRows() throws {
        let sizes = [1 << 10, 1 << 20]
        let plan = try SweepPlan(models: [.samKDTree, .samKDTreeCompact], sizes: sizes, steps: 8, repeats: 3, warmup: 1,
                                 requireFitSizes: false)
        let measurements = [
            Self.measurement(.samKDTree, 1 << 10, step: 0.15e-3, peak: 30 << 20, reset: 1e-4),
            Self.measurement(.samKDTree, 1 << 20, step: 0.45e-3, peak: 500 << 20, reset: 1e-3),
            Self.measurement(.samKDTreeCompact, 1 << 10, step: 0.18e-3, peak: 30 << 20, reset: 1e-4),
            Self.measurement(.samKDTreeCompact, 1 << 20, step: 0.22e-3, peak: 400 << 20, reset: 3e-4),
        ]
        let set = MeasurementSet(plan: plan, machine: .current(), measurements: measurements, failures: [], sweepSeconds: 1)
        let md = Headline.render(ScalingAnalyser().analyse(set))
        let flann = try Self.row(md, "SAM (k-d forest): peak resident memory")
        let compact = try Self.row(md, "SAM (compact k-d forest): peak resident memory")
        #expect(flann.contains("| 500 MiB |") && flann.contains("| **not met** |"), "\(flann)")
        #expect(compact.contains("| 400 MiB |") && compact.contains("| met |"), "\(compact)")
        #expect(try Self.row(md, "SAM (k-d forest): forward + backward").contains("| **not met** |"))
        #expect(try Self.row(md, "SAM (compact k-d forest): forward + backward").contains("| met |"))
        // The episode ratio: FLANN's (8·0.45 + 1) ms ÷ (8·0.15 + 0.1) ms ≈ 3.5×; the compact forest's ≈ 1.3×.
        #expect(try Self.row(md, "SAM (k-d forest): an episode").contains("| **not met** |"))
        #expect(try Self.row(md, "SAM (compact k-d forest): an episode").contains("| met |"))
    }

    @Test func addingARowIsOneEntry() throws {
        let extra = HeadlineRow("9", "a fixture target", target: "≤ 1") { _ in HeadlineValue("0.5", .met) }
        let md = Headline.render(try Self.report(), rows: Headline.rows + [extra])
        #expect(try Self.row(md, "a fixture target").contains("| 0.5 | ≤ 1 | met |"))
        #expect(md.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| #") }.count == Headline.rows.count + 1)
    }
}
