import Foundation
import Testing
import OutputFiles
@testable import Profiling

/// Fast checks of the profiling drivers and reports (debug build). Timing values are never asserted,
/// only that they are positive.
@Suite struct ProfilingTests {
    static func temporaryFolder() -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("samkit-profiling-tests-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func sample(_ model: ProfiledModel, _ size: Int, _ time: Double, bytes: Double) -> SizeMeasurement {
        let noise = [0.97, 1.0, 1.02, 0.99, 1.03]
        return SizeMeasurement(model: model, size: size, steps: 4, warmupSegments: 1, setupSeconds: 0.01,
                               forwardSeconds: noise.map { $0 * time * 0.4 }, backwardSeconds: noise.map { $0 * time * 0.6 },
                               cpuSeconds: noise.map { $0 * time }, recordBytesPerStep: Array(repeating: bytes, count: 5),
                               peakResidentBytes: 1_000_000 + size * 128, setupPeakResidentBytes: 900_000 + size * 128,
                               isolated: true)
    }

    /// A synthetic set: DAM linear in N, SAM-exact linear with a smaller slope, SAM-kdtree constant.
    static func syntheticSet() throws -> MeasurementSet {
        let sizes = [256, 512, 1024, 2048, 4096, 8192]
        let plan = try SweepPlan(models: [.dam, .samExact, .samKDTree], sizes: sizes, steps: 4, repeats: 5, warmup: 1)
        var ms: [SizeMeasurement] = []
        for n in sizes {
            ms.append(sample(.dam, n, 1e-4 + 2e-7 * Double(n), bytes: 600 + 260 * Double(n)))
            ms.append(sample(.samExact, n, 2e-4 + 1e-8 * Double(n), bytes: 7400))
            ms.append(sample(.samKDTree, n, 2.5e-4, bytes: 7400))
        }
        return MeasurementSet(plan: plan, machine: .current(), measurements: ms,
                              failures: [MeasurementFailure(model: .samLSH, size: 256, reason: "example failure")],
                              sweepSeconds: 1.5)
    }

    @Test func measurementRecordRoundTripsThroughJSON() throws {
        let set = try Self.syntheticSet()
        let decoded = try JSONCoding.decoder.decode(MeasurementSet.self, from: set.encoded())
        #expect(decoded == set)
        let one = set.measurements[0]
        let again = try JSONDecoder().decode(SizeMeasurement.self, from: JSONEncoder().encode(one))
        #expect(again == one)
        // The report (fits included) round-trips too.
        let report = ScalingAnalyser().analyse(set)
        #expect(try JSONCoding.decoder.decode(ScalingReport.self, from: report.encoded()) == report)
    }

    @Test func atomicWriteLeavesNoTemporaryFile() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("sub/scaling.md")
        try AtomicFile.write("first", to: target)
        try AtomicFile.write("second", to: target)
        #expect(try String(contentsOf: target, encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.deletingLastPathComponent().path) == ["scaling.md"])
        // A target that cannot be replaced (a non-empty directory of that name): an error, and no temporary file.
        let blocked = folder.appendingPathComponent("blocked")
        try FileManager.default.createDirectory(at: blocked.appendingPathComponent("inside"), withIntermediateDirectories: true)
        #expect(throws: FileWriteError.self) { try AtomicFile.write("x", to: blocked) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["blocked", "sub"])
    }

    /// Issue 14: the models' byte accounts and DAM's BLAS roofline come with the measurements and
    /// reach the report; the accounted parts are the buffers' exact sizes.
    @Test func memoryAccountAndRooflineAreMeasured() throws {
        let n = 1024
        let plan = try SweepPlan(models: [.dam, .samKDTree, .controller], sizes: [n], steps: 2, repeats: 1, warmup: 0,
                                 requireFitSizes: false)
        let set = Sweep(plan: plan, runner: .inProcess, progress: ProgressLine(enabled: false)).run()
        #expect(set.failures.isEmpty, "\(set.failures)")
        let w = plan.shape.wordSize, float = MemoryLayout<Float>.stride
        let kd = try #require(set.measurements(of: .samKDTree).first?.memoryAccount)
        #expect(kd.first { $0.part.hasPrefix("memory M") }?.bytes == n * w * float)
        #expect(kd.first { $0.part.contains("normalised rows") }?.bytes == n * (w + 1) * float)
        #expect((kd.first { $0.part.contains("FLANN's trees") }?.bytes ?? 0) > 0)
        #expect(kd.allSatisfy { $0.bytes >= 0 }, "\(kd)")
        let dam = try #require(set.measurements(of: .dam).first)
        #expect(dam.memoryAccount?.first { $0.part.hasPrefix("memory M") }?.bytes == n * w * float)
        let roofline = try #require(dam.roofline)
        #expect(roofline.gemmGFLOPS > 0 && roofline.gemvGFLOPS > 0)
        #expect(roofline.flopsPerStep == Double(18 * plan.shape.heads + 6) * Double(n * w))
        #expect(set.measurements(of: .controller).first?.roofline == nil)
        let report = ScalingReport(measurements: set, fits: [], ratios: [], claims: [], extrapolatedSizes: [:])
        let md = MarkdownReport(report: report, plots: [:]).render()
        #expect(md.contains("## DAM against the BLAS roofline"))
        #expect(md.contains("## Where the bytes go"))
        #expect(md.contains("## SAM / bare controller time per step"))
    }

    @Test func tinySweepGivesPerSizeRecords() throws {
        let sizes = [64, 128, 256, 512]
        let plan = try SweepPlan(models: ProfiledModel.allCases, sizes: sizes, steps: 2, repeats: 1, warmup: 0)
        let set = Sweep(plan: plan, runner: .inProcess, progress: ProgressLine(enabled: false)).run()
        #expect(set.failures.isEmpty, "\(set.failures)")
        let shape = plan.shape
        // One journaled row: its index (Int32) and W Float values.
        for model in ProfiledModel.allCases {
            let ms = set.measurements(of: model)
            #expect(ms.map(\.size) == sizes)
            for m in ms {
                #expect(m.forwardSeconds.count == 1 && m.backwardSeconds.count == 1 && m.recordBytesPerStep.count == 1)
                #expect(m.forwardSeconds.allSatisfy { $0 > 0 } && m.backwardSeconds.allSatisfy { $0 > 0 })
                #expect(m.recordBytesPerStep.allSatisfy { $0 > 0 })
                #expect(m.setupSeconds > 0)
                #expect(m.resetSeconds?.count == 1 && m.resetSeconds!.allSatisfy { $0 > 0 }, "each segment's reset is timed")
                #expect(m.referenceStepSeconds?.count == 1 && m.referenceStepSeconds!.allSatisfy { $0 > 0 },
                        "each segment has its paired reference")
            }
            let bytes = ms.map { $0.recordBytesPerStep[0] }
            if model.isSparse || model == .controller || model.temporalLinks != nil {
                // Independent of N, to the byte (the controller keeps no memory at all): the tape and the
                // journal's entries (R·(K+1) row slots; the SDNC's R·(3K+1), its dense-link baseline
                // included) have a fixed size per step (Proofs/journal.md, Proofs/complexity-claims.md SD2).
                #expect(bytes.max()! == bytes.min()!, "\(model): \(bytes)")
            } else {
                // DAM keeps M_t and the dense weights: strictly growing with N.
                #expect(zip(bytes, bytes.dropFirst()).allSatisfy { $0 < $1 }, "\(bytes)")
            }
        }
        // Also with one step per segment from M_0.
        let single = try SweepPlan(models: [.samExact, .samKDTree, .samLSH], sizes: sizes, steps: 1, repeats: 1, warmup: 0)
        let first = Sweep(plan: single, runner: .inProcess, progress: ProgressLine(enabled: false)).run()
        for model in single.models {
            #expect(Set(first.measurements(of: model).map { $0.recordBytesPerStep[0] }).count == 1)
        }
    }

    @Test func badOptionsAreRejectedWithNamedErrors() throws {
        #expect(throws: ProfilingError.nonNumericSize(entry: "abc")) { try SweepPlan.parseSizes("64,abc,256,512") }
        #expect(throws: ProfilingError.sizeOutOfRange(size: 0, valid: SweepPlan.sizeRange)) { try SweepPlan.parseSizes("0,64,128,256") }
        #expect(throws: ProfilingError.sizeOutOfRange(size: -8, valid: SweepPlan.sizeRange)) { try SweepPlan.parseSizes("-8,64,128,256") }
        #expect(throws: ProfilingError.tooFewSizes(found: 3, required: 4)) { try SweepPlan.parseSizes("64,128,256") }
        #expect(throws: ProfilingError.duplicateSize(size: 64)) { try SweepPlan.parseSizes("64,64,128,256") }
        #expect(try SweepPlan.parseSizes("2^6, 128,2^8,512") == [64, 128, 256, 512])
        #expect(throws: ProfilingError.unknownModel(name: "ntm", valid: ProfiledModel.allCases.map(\.rawValue))) {
            try ProfiledModel.parseList("dam,ntm")
        }
        #expect(throws: ProfilingError.optionOutOfRange(name: "steps", value: "0", valid: "1...1000")) {
            try SweepPlan(models: [.dam], sizes: [64, 128, 256, 512], steps: 0, repeats: 3)
        }
        #expect(throws: ProfilingError.optionOutOfRange(name: "repeats", value: "0", valid: "1...1000")) {
            try SweepPlan(models: [.dam], sizes: [64, 128, 256, 512], steps: 2, repeats: 0)
        }
        // Messages name the value and the valid range.
        let message = ProfilingError.sizeOutOfRange(size: 0, valid: SweepPlan.sizeRange).description
        #expect(message.contains("0") && message.contains("valid range: 4...16777216"))
        #expect(ProfilingError.unknownModel(name: "ntm", valid: ["dam"]).description.contains("'ntm'"))
        // A file that is not a measurements file.
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let junk = folder.appendingPathComponent("junk.json")
        try "{\"x\": 1}".write(to: junk, atomically: true, encoding: .utf8)
        #expect(throws: ProfilingError.self) { try MeasurementSet.load(from: junk) }
        // A series with fewer than 4 sizes gets no fit, and says why.
        var set = try Self.syntheticSet()
        set = MeasurementSet(plan: set.plan, machine: set.machine,
                             measurements: set.measurements.filter { $0.size <= 1024 }, failures: [], sweepSeconds: 1)
        let fit = ScalingAnalyser().analyse(set).fit(.dam, .stepTime)!
        #expect(fit.analysis == nil && fit.error!.contains("at least 4"))
    }

    @Test func reportContainsTheTables() throws {
        let report = ScalingAnalyser().analyse(try Self.syntheticSet())
        #expect(report.fit(.dam, .stepTime)?.analysis?.selection.chosen == .linear)
        #expect(report.fit(.samKDTree, .recordBytes)?.analysis?.selection.chosen == .constant)
        #expect(report.claims.first { $0.model == .dam && $0.metric == .recordBytes }?.outcome == .confirmed)
        #expect(report.ratios.count == 12)

        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var writer = ReportWriter(folder: folder)
        writer.plotter = GnuplotPlotter(executable: "samkit-no-such-gnuplot")
        let result = try writer.write(report)
        #expect(result.warning != nil)
        let md = try String(contentsOf: folder.appendingPathComponent("scaling.md"), encoding: .utf8)
        for heading in ["## Summary", "## DAM / SAM time per step", "(`step-time`)", "(`record-bytes`)",
                        "## Measurements", "## Failures", "single-threaded"] {
            #expect(md.contains(heading), "missing \(heading)")
        }
        #expect(md.contains("| model | metric | proof | claimed | chosen (runner-up, ΔBIC) |"))
        #expect(md.contains("| DAM | 2^8 … 2^13 (6 sizes) | O(N)"))
        #expect(md.contains("| 8192 |"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["scaling.json", "scaling.md"])
        let json = try JSONCoding.decoder.decode(ScalingReport.self, from: Data(contentsOf: folder.appendingPathComponent("scaling.json")))
        #expect(json.measurements.measurements.count == 18)

        // With gnuplot installed, the plots are drawn and linked.
        if GnuplotPlotter().isAvailable {
            let plotted = Self.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: plotted) }
            let files = try ReportWriter(folder: plotted).write(report)
            #expect(files.warning == nil)
            #expect(FileManager.default.fileExists(atPath: plotted.appendingPathComponent("plots/step-time.png").path))
            let linked = try String(contentsOf: plotted.appendingPathComponent("scaling.md"), encoding: .utf8)
            #expect(linked.contains("](plots/step-time.png)"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: plotted.appendingPathComponent("plots").path)
                .allSatisfy { !$0.hasPrefix(".") })
        }
    }
}
