import Foundation
import Testing
@testable import Profiling
import ComplexityFit

/// The plots' data (issue 11, item 8).
@Suite struct PlotTests {
    /// The prediction band uses one noise model throughout, so its relative width does not jump
    /// between the last measured N and the first extrapolated grid point, even when the last size
    /// is much noisier than the others (here DAM's: ±25% instead of ±3%).
    @Test func bandIsContinuousAtTheLastMeasuredSize() throws {
        let set = try ProfilingTests.syntheticSet()
        let wide = [0.75, 1.0, 1.25, 0.85, 1.15]
        let noisy = set.measurements.map { m -> SizeMeasurement in
            guard m.model == .dam, m.size == 8192 else { return m }
            let t = Statistics.median(m.stepSeconds)
            return SizeMeasurement(model: .dam, size: m.size, steps: m.steps, warmupSegments: 1, setupSeconds: 0.01,
                                   forwardSeconds: wide.map { $0 * t * 0.4 }, backwardSeconds: wide.map { $0 * t * 0.6 },
                                   cpuSeconds: wide.map { $0 * t }, recordBytesPerStep: m.recordBytesPerStep,
                                   peakResidentBytes: m.peakResidentBytes, setupPeakResidentBytes: m.setupPeakResidentBytes,
                                   isolated: true)
        }
        let report = ScalingAnalyser().analyse(MeasurementSet(plan: set.plan, machine: set.machine, measurements: noisy,
                                                              failures: [], sweepSeconds: 1))
        for fit in report.fits where fit.analysis != nil && fit.metric.isTime {
            let last = fit.sizes.max()!
            let at = try #require(fit.curve.first { $0.size == last })
            let next = try #require(fit.curve.first { $0.size > last })
            func relativeWidth(_ p: Prediction) -> Double { (p.upper - p.lower) / p.value }
            let jump = abs(relativeWidth(at) - relativeWidth(next)) / relativeWidth(next)
            #expect(jump < 0.25, "\(fit.model) \(fit.metric): band width jumps by \(jump) at N = \(last)")
        }
    }

    /// SAM (exact) and SAM (k-d forest) have the same record bytes in the synthetic set: named as
    /// coinciding; DAM, which differs, is not.
    @Test func coincidingSeriesAreNamed() throws {
        let report = ScalingAnalyser().analyse(try ProfilingTests.syntheticSet())
        #expect(GnuplotPlotter.coinciding(.recordBytes, in: report) == [[.samExact, .samKDTree]])
        #expect(GnuplotPlotter.coinciding(.stepTime, in: report).isEmpty)
        #expect(GnuplotPlotter.coincidenceNote(.recordBytes, in: report)?.contains("SAM (exact) and SAM (k-d forest) coincide") == true)
        // Each model has its own point type, so nested markers stay distinguishable.
        #expect(Set(GnuplotPlotter.styles.values.map(\.point)).count == ProfiledModel.allCases.count)
    }
}

/// The noise guard (issue 11, item 4).
@Suite struct NoiseGuardTests {
    /// A DAM measurement whose kept segments had CPU/wall 0.6 makes DAM's time rows noisy: their
    /// verdicts are inconclusive, the report opens with a warning, and `--strict` would fail; the
    /// exact byte counts are still judged.
    @Test func noisyRowsAreInconclusiveAndWarned() throws {
        let set = try ProfilingTests.syntheticSet()
        let busy = set.measurements.map { m -> SizeMeasurement in
            guard m.model == .dam, m.size == 1024 else { return m }
            return SizeMeasurement(model: m.model, size: m.size, steps: m.steps, warmupSegments: 1, setupSeconds: 0.01,
                                   forwardSeconds: m.forwardSeconds, backwardSeconds: m.backwardSeconds,
                                   cpuSeconds: m.stepSeconds.map { $0 * 0.6 }, recordBytesPerStep: m.recordBytesPerStep,
                                   peakResidentBytes: m.peakResidentBytes, setupPeakResidentBytes: m.setupPeakResidentBytes,
                                   isolated: true, preemptedSegments: 10)
        }
        let quiet = ScalingAnalyser().analyse(set)
        #expect(!quiet.claims.contains { $0.noisy })
        #expect(MarkdownReport.noiseWarning(quiet).isEmpty)
        let report = ScalingAnalyser().analyse(MeasurementSet(plan: set.plan, machine: set.machine, measurements: busy,
                                                              failures: [], sweepSeconds: 1))
        let dam = report.claims.filter { $0.model == .dam }
        #expect(dam.filter { $0.metric.isTime }.allSatisfy { $0.noisy && $0.outcome == .inconclusive })
        #expect(dam.first { $0.metric == .recordBytes }?.outcome == .confirmed)
        #expect(!report.allConfirmed)
        let md = MarkdownReport(report: report, plots: [:]).render()
        let noisyRows = dam.filter { $0.metric.isTime }.count   // step, forward, backward and reset time
        #expect(report.claims.filter(\.noisy).count == noisyRows)
        #expect(md.contains("# Scaling of SAM and DAM: time and memory per step\n\n> **Warning: \(noisyRows) noisy row(s)**"))
    }
}
