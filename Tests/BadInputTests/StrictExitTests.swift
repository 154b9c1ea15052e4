import Foundation
import Testing

/// `--strict` and the noise guard (issue 11, item 4) through the release binary: `report` and `fit`
/// share `writeReport` and the same `--strict` test (`!report.allConfirmed`), so `fit` on the
/// committed measurements with every DAM segment at CPU/wall 0.6 exercises the path a loaded
/// `report --quick --strict` takes (scripts/load-test.sh runs the real thing under `yes`).
@Suite(.enabled(if: ProbeRunner.binary != nil, "set SAMKIT_BINARY to a release samkit (make bad-input)"))
struct StrictExitTests {
    /// The committed measurements with every DAM measurement's CPU time set to 0.6 × its wall time.
    static func noisyMeasurements() -> Data {
        guard var root = Fixtures.json(Fixtures.measurements) as? [String: Any],
              var list = root["measurements"] as? [[String: Any]] else { return Data() }
        for (i, m) in list.enumerated() where m["model"] as? String == "dam" {
            let forward = m["forwardSeconds"] as? [Double] ?? [], backward = m["backwardSeconds"] as? [Double] ?? []
            list[i]["cpuSeconds"] = zip(forward, backward).map { 0.6 * ($0 + $1) }
        }
        root["measurements"] = list
        return Fixtures.bytes(root)
    }

    @Test func strictExitsOneWhenRowsAreNoisy() throws {
        let files = ["measurements.json": Self.noisyMeasurements()]
        let strict = try ProbeRunner.run(Probe(area: "strict", arguments: ["fit", "measurements.json", "--strict", "--out", "out"],
                                               files: files, exitCode: 1, field: ""))
        #expect(strict.exitCode == 1, "\(strict.stderr.suffix(300))")
        #expect(strict.stderr.contains("noisy row(s)"), "no noise warning: \(strict.stderr.suffix(300))")
        #expect(strict.stdout.contains("noisy"), "the verdict table does not show the noisy rows")
        // The same input without --strict writes the report and exits 0: the 1 above is --strict's.
        let plain = try ProbeRunner.run(Probe(area: "strict", arguments: ["fit", "measurements.json", "--out", "out"],
                                              files: files, exitCode: 0, field: ""))
        #expect(plain.exitCode == 0, "\(plain.stderr.suffix(300))")
    }
}
