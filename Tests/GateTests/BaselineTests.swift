import Foundation
import Testing
@testable import Gate

@Suite("gate: baseline input errors name the field")
struct BaselineTests {
    func mutated(_ edit: (inout [String: Any]) -> Void) throws -> Data {
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: baselinePath))) as! [String: Any]
        edit(&json)
        return try JSONSerialization.data(withJSONObject: json)
    }

    func error(_ data: Data) -> String? {
        do { _ = try Baseline.decode(data); return nil } catch { return "\(error)" }
    }

    @Test func committedBaselineLoadsAndRecordsItsMachine() throws {
        let b = try Baseline.load(path: baselinePath)
        #expect(!b.counters.isEmpty && !b.ratios.isEmpty && !b.gradients.isEmpty && !b.work.isEmpty)
        #expect(!b.stepTimes.isEmpty && !b.memory.isEmpty)
        #expect(b.machine != nil)
    }

    @Test func templateIsValid() throws {
        try Baseline.template().validate()
    }

    @Test func missingFileIsAnInputError() {
        #expect(throws: GateError.self) { try Baseline.load(path: "/nonexistent/baseline.json") }
    }

    @Test func missingFieldIsNamed() throws {
        let data = try mutated { json in
            var counters = json["counters"] as! [[String: Any]]
            counters[1].removeValue(forKey: "tolerance")
            json["counters"] = counters
        }
        #expect(error(data)?.contains("field counters[1].tolerance is missing") == true, "\(error(data) ?? "no error")")
    }

    @Test func wrongTypeAndBadValuesAreNamed() throws {
        let typed = try mutated { json in
            var timing = json["timing"] as! [String: Any]
            timing["repeats"] = "many"
            json["timing"] = timing
        }
        #expect(error(typed)?.contains("field timing.repeats") == true, "\(error(typed) ?? "no error")")
        let negative = try mutated { json in
            var ratios = json["ratios"] as! [[String: Any]]
            ratios[0]["threshold"] = -1
            json["ratios"] = ratios
        }
        #expect(error(negative)?.contains("field ratios[0].threshold: -1.0") == true, "\(error(negative) ?? "no error")")
        let tolerance = try mutated { json in
            var steps = json["stepTimes"] as! [[String: Any]]
            steps[0]["tolerance"] = 0
            json["stepTimes"] = steps
        }
        #expect(error(tolerance)?.contains("field stepTimes[0].tolerance: 0.0, valid 0.001...10.0") == true,
                "\(error(tolerance) ?? "no error")")
        let model = try mutated { json in
            var counters = json["counters"] as! [[String: Any]]
            counters[0]["model"] = "sam-btree"
            json["counters"] = counters
        }
        #expect(error(model)?.contains("field counters[0].model") == true, "\(error(model) ?? "no error")")
        #expect(error(model)?.contains("(valid: dam, sam-exact, sam-kdtree, sam-lsh") == true, "\(error(model) ?? "no error")")
        let noFormat = try mutated { $0.removeValue(forKey: "format") }
        #expect(error(noFormat)?.contains("field format is missing") == true, "\(error(noFormat) ?? "no error")")
        #expect(error(Data("{".utf8)) != nil)
    }
}

@Suite("gate: honest baselines (--update refuses regressions unless accepted with a reason)")
struct UpdateTests {
    func outcome(_ kind: CheckOutcome.Kind, _ name: String, _ verdict: Verdict, _ value: Double) -> CheckOutcome {
        CheckOutcome(kind: kind, name: name, expected: "", measured: "m", verdict: verdict, value: value)
    }
    func gateRun(_ outcomes: [CheckOutcome], allowSkipped: Bool = false) -> GateRun {
        GateRun(outcomes: outcomes, seconds: 0, injection: nil, quick: true, allowSkipped: allowSkipped, machineNote: nil)
    }

    @Test func aRegressedCounterIsRefusedUnlessAcceptedAndTheReasonIsKept() throws {
        let b = try Baseline.load(path: baselinePath)
        let name = b.counters[0].name
        let r = gateRun([outcome(.counter, name, .regression, 123)])
        #expect(throws: GateError.refused(checks: [name])) { try r.updated(b) }
        let u = try r.updated(b, accepting: [name: "the record grew by design (issue 99)"])
        #expect(u.counters[0].expected == 123)
        #expect(u.counters[0].tolerance == b.counters[0].tolerance)
        #expect(u.acceptedRegressions.last?.check == name)
        #expect(u.acceptedRegressions.last?.reason == "the record grew by design (issue 99)")
        #expect(u.ratios.map(\.threshold) == b.ratios.map(\.threshold))
        #expect(try Baseline.decode(u.encoded()) == u)
    }

    @Test func acceptingACheckThatDoesNotExistIsAnInputError() throws {
        let b = try Baseline.load(path: baselinePath)
        #expect(throws: GateError.self) { try gateRun([]).updated(b, accepting: ["no such check": "x"]) }
    }

    @Test func initTakesMeasuredFiguresButNotBrokenClaims() throws {
        let t = Baseline.template()
        let measured = gateRun([outcome(.counter, t.counters[0].name, .regression, 7412)])
        #expect(try measured.updated(t, initialising: true).counters[0].expected == 7412)
        let gradient = gateRun([outcome(.gradient, "gradient sam replay", .regression, 0)])
        #expect(throws: GateError.refused(checks: ["gradient sam replay"])) { try gradient.updated(t, initialising: true) }
    }

    @Test func stepTimeToleranceIsDerivedFromTheMeasuredSpread() throws {
        let b = try Baseline.load(path: baselinePath)
        let name = b.stepTimes[0].name
        var o = outcome(.stepTime, name, .holds, 2.5)
        o.detail = ["spread": 0.08, "rounds": 16]
        let u = try gateRun([o]).updated(b)
        #expect(u.stepTimes[0].normalised == 2.5)
        #expect(abs(u.stepTimes[0].tolerance - TimingRule.tolerance(spread: 0.08, rounds: 16)) < 1e-4)
        #expect(TimingRule.tolerance(spread: 0.08, rounds: 16) > TimingRule.tolerance(spread: 0.02, rounds: 16))
        #expect(TimingRule.tolerance(spread: 0, rounds: 9) == TimingRule.floor)
    }

    /// Proofs/gate-timing.md: tolerance = q × √2 × s_b with q = 3.09 (z) or Student's t_{runs−1}(0.999)
    /// when s_b comes from `runs` separate runs; recording it re-derives a growth ratio's threshold.
    @Test func betweenRunToleranceIsAQuantileTimesTheStandardErrorOfADifference() throws {
        #expect(abs(TimingRule.betweenRunTolerance(spread: 0.05) - 3.09 * 2.0.squareRoot() * 0.05) < 1e-12)
        // t quantiles shrink towards z as the runs grow, and are above it for any finite count.
        let q = [3, 5, 10, 20, 1000].map { TimingRule.quantile(runs: $0) }
        #expect(zip(q, q.dropFirst()).allSatisfy { $0 > $1 } && q.allSatisfy { $0 > TimingRule.familyZ })
        #expect(abs(q.last! - TimingRule.familyZ) < 0.01)
        #expect(abs(TimingRule.quantile(runs: 10) - 4.297) < 0.001)   // t_9(0.999), standard tables
        let spread = TimingSpread(name: "x", relative: [1, 1.1, 0.9])
        let logs = [0, log(1.1), log(0.9)], mean = logs.reduce(0, +) / 3
        let sd = (logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 2).squareRoot()
        #expect(abs(spread.spread! - sd) < 1e-12)
        #expect(TimingSpread(name: "x", relative: [1.2]).spread == nil)
        let b = try Baseline.load(path: baselinePath)
        let growth = b.ratios.first { $0.thresholdFactor != nil }!
        let step = b.stepTimes[0]
        let recorded = b.recordingSpreads([TimingSpread(name: growth.name, relative: [1, 1.1, 0.9]),
                                           TimingSpread(name: step.name, relative: [1, 1.02, 0.98])], runs: 3)
        let r = recorded.ratios.first { $0.name == growth.name }!
        #expect(r.betweenRunSpread! >= sd && r.betweenRunSpread! < sd + 1e-4 && r.betweenRunSpreadRuns == 3)
        #expect(abs(r.threshold - growth.lastMeasured! * (1 + TimingRule.betweenRunTolerance(spread: r.betweenRunSpread!, runs: 3))) < 1e-3)
        // The named check takes the new spread; a check not named keeps whatever the baseline held.
        let stepSD = TimingSpread(name: step.name, relative: [1, 1.02, 0.98]).spread!
        #expect(recorded.stepTimes[0].betweenRunSpread! >= stepSD && recorded.stepTimes[0].betweenRunSpread! < stepSD + 1e-4)
        #expect(recorded.stepTimes[1].betweenRunSpread == b.stepTimes[1].betweenRunSpread)
        try recorded.validate()
        var report = PowerReport(rows: [], seconds: 0, quick: true, machine: .current())
        report.cleanTiming = [TimingSpread(name: step.name, relative: [1, 1.02, 0.98])]
        #expect(report.markdown().contains("The timing checks in the clean passes"))
    }

    /// `--record-spread` reads separate runs' JSON results: each timing check's estimate over the
    /// baseline's figure; an injected run or one without the timing checks is refused, naming the file.
    @Test func spreadsAreReadFromSeparateRunsResultFiles() throws {
        let b = try Baseline.load(path: baselinePath)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func file(_ scale: Double, injection: Injection? = nil, timing: Bool = true) throws -> String {
            var outcomes = b.stepTimes.map { CheckOutcome(kind: .stepTime, name: $0.name, expected: "", measured: "",
                                                          verdict: .holds, value: $0.normalised * scale) }
            outcomes += b.ratios.map { CheckOutcome(kind: .ratio, name: $0.name, expected: "", measured: "",
                                                    verdict: .holds, value: ($0.lastMeasured ?? 1) * scale) }
            let run = GateRun(outcomes: timing ? outcomes : [], seconds: 0, injection: injection, quick: true,
                              allowSkipped: false, machineNote: nil)
            let path = folder.appendingPathComponent(UUID().uuidString + ".json").path
            try run.json(baselinePath: baselinePath).write(to: URL(fileURLWithPath: path))
            return path
        }
        let scales = [1.0, 1.05, 0.97, 1.01]
        let spreads = try b.timingSpreads(resultFiles: scales.map { try file($0) })
        #expect(spreads.count == b.stepTimes.count + b.ratios.filter { $0.thresholdFactor != nil }.count)
        for t in spreads {
            #expect(t.relative.count == scales.count)
            #expect(zip(t.relative, scales).allSatisfy { abs($0 - $1) < 1e-9 }, "\(t.name): \(t.relative)")
        }
        let injected = try file(1, injection: .performance(.usageScan))
        #expect(throws: GateError.self) { try b.timingSpreads(resultFiles: [file(1), injected]) }
        let untimed = try file(1, timing: false)
        #expect(throws: GateError.self) { try b.timingSpreads(resultFiles: [file(1), untimed]) }
    }

    @Test func skippedIsAFailureUnlessAllowed() {
        let skipped = [outcome(.counter, "c", .skipped, 0)]
        #expect(gateRun(skipped).exitCode == 1)
        #expect(gateRun(skipped, allowSkipped: true).exitCode == 0)
        #expect(gateRun([outcome(.counter, "c", .holds, 0)]).exitCode == 0)
    }

    @Test func junitHasOneTestCasePerCheckAndMarksFailures() throws {
        let r = gateRun([outcome(.counter, "a <b>", .holds, 1), outcome(.work, "w", .regression, 2),
                         outcome(.memory, "m", .skipped, 0)])
        let xml = r.junitXML()
        #expect(xml.components(separatedBy: "<testcase ").count - 1 == 3)
        #expect(xml.contains("name=\"a &lt;b&gt;\""))
        #expect(xml.components(separatedBy: "<failure ").count - 1 == 2)   // the regression and the skipped check
        #expect(gateRun(r.outcomes, allowSkipped: true).junitXML().components(separatedBy: "<failure ").count - 1 == 1)
        let json = try JSONSerialization.jsonObject(with: r.json(baselinePath: "b")) as! [String: Any]
        #expect((json["checks"] as? [Any])?.count == 3 && json["exitCode"] as? Int == 1)
    }
}

@Suite("gate: paired timing statistics")
struct BootstrapTests {
    @Test func pairingCancelsAShiftSharedByARound() {
        // Each round is slowed by a different factor that hits both sides: paired ratios are all 2.
        let slow = (0..<15).map { 1 + Double($0 % 5) * 0.5 }
        let a = slow.map { 2 * $0 }, b = slow
        let i = Bootstrap.pairedRatio(a, b, confidence: 0.99, resamples: 2000, seed: 1)
        #expect(i.estimate == 2 && i.lower == 2 && i.upper == 2)
    }

    @Test func oneOutlierRoundDoesNotMoveTheLowerBound() {
        let a = [1.0, 1.01, 0.99, 1.02, 0.98, 1.0, 1.01, 0.99, 25.0], b = Array(repeating: 1.0, count: 9)
        let i = Bootstrap.pairedRatio(a, b, confidence: 0.99, resamples: 2000, seed: 1)
        #expect(i.lower < 1.02 && i.lower <= i.estimate && i.estimate <= i.upper)
    }

    @Test func relativeSpreadIsRobust() {
        #expect(Bootstrap.relativeSpread([1, 1, 1, 1]) == 0)
        #expect(Bootstrap.relativeSpread([1, 1.1, 0.9, 1, 100]) < 0.2)
    }

    @Test func counterSlopeIsExact() {
        #expect(abs(GateRunner.logLogSlope(sizes: [1, 2, 4, 8], values: [3, 6, 12, 24]) - 1) < 1e-12)
        #expect(GateRunner.logLogSlope(sizes: [1, 2, 4, 8], values: [5, 5, 5, 5]) == 0)
    }
}
