import Foundation
import Testing
@testable import Gate
import MemoryModels

@Suite("gate: power and calm of the deterministic checks (work counters, counters, gradients; debug build)")
struct GatePowerTests {
    @Test func cleanCodePasses() throws {
        // The gradient checks on 12 cases each (the quick gate's 90 dense cases run in `make gate`);
        // the work counters at 2^12 and 2^10 and the growth fits over 2^10 and 2^12 (`small`): a debug
        // build runs 2^16 slowly, and CI's `make gate-ci` runs these checks at every baseline size.
        let r = try run(nil, only: "work,record-bytes,gradient", cases: 12, small: true)
        #expect(r.passed, "regressions: \(r.regressions.map(\.name)), skipped: \(r.skipped.map(\.name))")
        #expect(r.exitCode == 0)
        #expect(r.outcomes.filter { $0.kind == .work }.count >= 20)
        // The work counters are exact (no tolerance) and equal at every compared N; the baseline (what
        // the gate compares) has 2^10 and 2^16 among them.
        let b = try Baseline.load(path: baselinePath)
        #expect(b.work.allSatisfy { Set($0.compareSizes).isSuperset(of: [1 << 10, 1 << 16]) })
        let work = r.outcomes.filter { $0.kind == .work }
        #expect(work.allSatisfy { $0.verdict == .holds }, "\(work.map(\.measured))")
        // A field compared exactly is equal at every N; a growth field (the SDNC's distinct-row counts,
        // `WorkCheck.growthFields`) is judged by its slope and carries no such detail.
        let exact = work.filter { !$0.name.hasSuffix(" slope") }
        #expect(exact.count >= 20)
        #expect(exact.allSatisfy { $0.detail?["equal across sizes"] == 1 }, "\(exact.map(\.measured))")
    }

    /// Each performance injection that loops over N in a counted stage fails a work counter
    /// deterministically, and the counter that fires names the stage.
    @Test("a counted O(N) loop fails its work counter",
          arguments: [(PerformanceFault.linearLRUSearch, "lru-rows"), (.copyMemoryPerStep, "journal-rows"),
                      (.linearScanIndex, "sam-kdtree index-distances"), (.staleIndex, "index-rows-updated")])
    func countedLoopIsCaught(_ fault: PerformanceFault, field: String) throws {
        let r = try run(.performance(fault), only: "work sam-kdtree", small: true)
        #expect(r.exitCode == 1)
        #expect(r.regressions.contains { $0.name.contains(field) }, "regressions: \(r.regressions.map(\.name))")
        #expect(r.markdown(baselinePath: "b").contains("**\(r.regressions.first?.name ?? "none")**"))
    }

    /// The usage scan stands for a loop no counter counts: the work counters must not claim to see
    /// it (only the timing growth check can, in the release gate).
    @Test func anUncountedLoopIsInvisibleToTheCounters() throws {
        let r = try run(.performance(.usageScan), only: "work sam-kdtree", small: true)
        #expect(r.passed, "\(r.regressions.map(\.name))")
    }

    @Test func wrongGradientIsCaughtByTheGradientChecks() throws {
        let r = try run(.gradient(.dropWriteGateTerm), only: "gradient sam replay", settled: true)
        #expect(r.regressions.map(\.name) == ["gradient sam replay"])
    }

    /// The forward fault shows only in some dense K = N cases; the quick gate's case count catches it.
    @Test func unsortedUsageOrderIsCaughtByTheDenseCases() throws {
        let r = try run(.gradient(.unsortedUsageOrder), only: "gradient sam dense", settled: true)
        #expect(r.regressions.map(\.name) == ["gradient sam dense K=N"], "\(r.outcomes.map(\.measured))")
    }

    @Test func copyOfMemoryChangesTheGrowthClassOfTheRecord() throws {
        let r = try run(.performance(.copyMemoryPerStep), only: "backward-record-bytes-per-step slope", small: true)
        #expect(r.regressions.map(\.name) == ["sam-kdtree backward-record-bytes-per-step slope"])
    }

    @Test func caseCountFollowsFromTheMissProbability() {
        #expect(Baseline.casesForTenPercent == 44)
        #expect(Baseline.denseCasesForPower == 90)
        for (p, power) in [(0.1, 0.99), (0.05, 0.99), (0.2, 0.95), (0.01, 0.9)] {
            let n = Baseline.requiredCases(fraction: p, power: power)
            #expect(pow(1 - p, Double(n)) < 1 - power && pow(1 - p, Double(n - 1)) >= 1 - power)
        }
        let b = try? Baseline.load(path: baselinePath)
        #expect(b?.gradients.contains { $0.checks.contains(.denseEquivalence) && $0.quickCases >= 44 } == true)
    }
}
