import Foundation
import Testing
@testable import Profiling
import ComplexityFit

/// `samkit fit` rejects a nonsensical measurements file with a named error (issue 11, item 7).
@Suite struct MeasurementValidationTests {
    /// The synthetic set with its first DAM measurement replaced.
    static func variant(formatVersion: Int = 2, _ change: (SizeMeasurement) -> SizeMeasurement = { $0 },
                        extra: [SizeMeasurement] = []) throws -> MeasurementSet {
        let set = try ProfilingTests.syntheticSet()
        var ms = set.measurements
        ms[0] = change(ms[0])
        var out = MeasurementSet(plan: set.plan, machine: set.machine, measurements: ms + extra, failures: [], sweepSeconds: 1)
        out.formatVersion = formatVersion
        return out
    }

    static func with(_ m: SizeMeasurement, size: Int? = nil, steps: Int? = nil, forward: [Double]? = nil,
                     processes: Int? = nil) -> SizeMeasurement {
        SizeMeasurement(model: m.model, size: size ?? m.size, steps: steps ?? m.steps, warmupSegments: 1, setupSeconds: 0.01,
                        forwardSeconds: forward ?? m.forwardSeconds, backwardSeconds: m.backwardSeconds,
                        cpuSeconds: m.cpuSeconds, recordBytesPerStep: m.recordBytesPerStep, peakResidentBytes: 1000,
                        setupPeakResidentBytes: 1000, isolated: true, processes: processes)
    }

    /// Through the file, as `fit` reads it: the error names the field and the bad value.
    func expectRejected(_ set: MeasurementSet, field: String, value: String) throws {
        let folder = ProfilingTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("measurements.json")
        try set.encoded().write(to: url)
        do {
            _ = try MeasurementSet.load(from: url)
            Issue.record("accepted a file with \(field) = \(value)")
        } catch let error {
            guard case let .invalidMeasurement(f, v, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(f.contains(field) && v.contains(value), "\(error)")
        }
    }

    @Test func badValuesAreNamed() throws {
        try expectRejected(Self.variant { Self.with($0, forward: [0, 1, 1, 1, 1]) }, field: "forwardSeconds", value: "0.0")
        try expectRejected(Self.variant { Self.with($0, forward: [-1e-3, 1, 1, 1, 1]) }, field: "forwardSeconds", value: "-0.001")
        try expectRejected(Self.variant { Self.with($0, forward: [.nan, 1, 1, 1, 1]) }, field: "forwardSeconds", value: "nan")
        try expectRejected(Self.variant(formatVersion: 99), field: "formatVersion", value: "99")
        try expectRejected(Self.variant { Self.with($0, forward: [1, 1, 1, 1]) }, field: "count", value: "5")
        try expectRejected(Self.variant { Self.with($0, processes: 2) }, field: "count", value: "5")
        try expectRejected(Self.variant { Self.with($0, size: 1 << 62) }, field: "size", value: "\(1 << 62)")
        try expectRejected(Self.variant { Self.with($0, size: 0) }, field: "size", value: "0")
        try expectRejected(Self.variant { Self.with($0, steps: 0) }, field: "steps", value: "0")
        // The paired reference (`Driver`): one positive time per segment.
        func referenced(_ values: [Double]) -> (SizeMeasurement) -> SizeMeasurement {
            { m in var m = m; m.referenceStepSeconds = values; return m }
        }
        try expectRejected(Self.variant(referenced([1e-4, 0, 1e-4, 1e-4, 1e-4])), field: "referenceStepSeconds", value: "0.0")
        try expectRejected(Self.variant(referenced([1e-4, .infinity, 1e-4, 1e-4, 1e-4])), field: "referenceStepSeconds", value: "inf")
        try expectRejected(Self.variant(referenced([1e-4, 1e-4])), field: "referenceStepSeconds count", value: "2")
        try Self.variant(referenced([1e-4, 1e-4, 1e-4, 1e-4, 1e-4])).validate()
        let set = try ProfilingTests.syntheticSet()
        try expectRejected(Self.variant(extra: [set.measurements[0]]), field: "(model, N)", value: "dam N=256")
        // The untouched set passes.
        try set.validate()
    }

    /// Process replicates: the fit sees one median per process, and merging keeps every segment.
    @Test func processReplicatesArePerProcessMedians() throws {
        let base = try ProfilingTests.syntheticSet().measurements[0]
        let runs = (0..<3).map { p in Self.with(base, forward: base.forwardSeconds.map { $0 * Double(p + 1) }) }
        let merged = SizeMeasurement.merging(runs)
        #expect(merged.processCount == 3 && merged.forwardSeconds.count == 15)
        let replicates = try #require(Metric.forwardTime.replicates(merged))
        #expect(replicates.count == 3)
        #expect(replicates == (1...3).map { Double($0) * Statistics.median(base.forwardSeconds) })
        try MeasurementSet(plan: try ProfilingTests.syntheticSet().plan, machine: .current(), measurements: [merged],
                           failures: [], sweepSeconds: 1).validate()
    }
}

/// The provenance a report records is the binary's own (issue 11, item 5).
@Suite struct ProvenanceTests {
    /// The embedded sources hash is the one scripts/sources-hash.sh computes for this checkout (the
    /// test runs from the package folder, right after the build).
    @Test func embeddedSourcesHashMatchesTheScript() throws {
        let machine = MachineInfo.current()
        let hash = try #require(machine.sourcesHash)
        #expect(hash.count == 64 && hash.allSatisfy(\.isHexDigit))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let output = MachineInfo.run(["sh", script.appendingPathComponent("scripts/sources-hash.sh").path, script.path])
        #expect(output == hash)
        #expect(machine.gitCommit.map { $0.count >= 12 } ?? true)
    }
}
