import Foundation
import SAMNumerics
import Testing
@testable import ComplexityFit

/// The verdict rule of Proofs/complexity-fit.md §7 (Sources/ComplexityFit/ClassSelection.swift):
/// three outcomes, one claimed class, large growth never O(1), and the validation that measures it.
@Suite struct VerdictRuleTests {
    /// The README's example: DAM at N = 2^10, 2^12, 2^14, 2^16, time growing 56× over the 64× range
    /// (a + b·N with a = 8192/55·b), 9 replicates per size.
    static func readmeExample(trials: Int, sigma: Double, slowFraction: Double, seed: UInt64) throws -> [ComplexityAnalysis] {
        let sizes = [1 << 10, 1 << 12, 1 << 14, 1 << 16]
        let b = 1e-8, a = 8192.0 / 55 * b
        var rng = SeededGenerator(seed: seed)
        return try (0..<trials).map { _ in
            let groups = sizes.map { n in
                (0..<9).map { _ -> Double in
                    let slow = Double.random(in: 0..<1, using: &rng) < slowFraction ? Double.random(in: 1.5...3, using: &rng) : 1
                    return (a + b * Double(n)) * exp(sigma * (rng.normal() as Double)) * slow
                }
            }
            return try ComplexityFitter().analyse(sizes: sizes, replicates: groups)
        }
    }

    /// Quiet machine (5% noise): O(N), confirmed.
    @Test func readmeExampleOnAQuietMachineIsLinear() throws {
        let analyses = try Self.readmeExample(trials: 100, sigma: 0.05, slowFraction: 0, seed: 0xDA10)
        let linear = analyses.filter { $0.selection.chosen == .linear }.count
        let confirmed = analyses.filter { ClaimVerdict.judge(.linear, $0).outcome == .confirmed }.count
        print("README example, quiet: O(N) chosen \(linear)/100, O(N) confirmed \(confirmed)/100")
        #expect(linear >= 95 && confirmed >= 95)
    }

    /// As issue 11 saw it on a busy machine: σ = 0.3 on the log scale and one replicate in five
    /// slowed 1.5–3×. The constant that won before can no longer win, and the O(N) claim is
    /// confirmed or inconclusive, never contradicted.
    @Test func readmeExampleUnderLoadIsNeverConstant() throws {
        let analyses = try Self.readmeExample(trials: 100, sigma: 0.3, slowFraction: 0.2, seed: 0xDA11)
        let constant = analyses.filter { $0.selection.chosen == .constant }.count
        let outcomes = analyses.map { ClaimVerdict.judge(.linear, $0).outcome }
        print("README example under load: O(N) chosen \(analyses.filter { $0.selection.chosen == .linear }.count)/100, O(1) \(constant), confirmed \(outcomes.filter { $0 == .confirmed }.count), inconclusive \(outcomes.filter { $0 == .inconclusive }.count)")
        #expect(constant == 0)
        #expect(!outcomes.contains(.contradicted))
    }

    /// Each outcome happens where it should: the chosen class confirms; a decisively different class
    /// contradicts; large growth contradicts O(1); a noisy row is inconclusive whatever the data.
    @Test func threeOutcomes() throws {
        let sizes = (10...20).map { 1 << $0 }
        var rng = SeededGenerator(seed: 11)
        func series(_ law: (Double) -> Double) throws -> ComplexityAnalysis {
            try ComplexityFitter().analyse(sizes: sizes, replicates: sizes.map { n in
                (0..<3).map { _ in law(Double(n)) * exp(0.05 * (rng.normal() as Double)) }
            })
        }
        let linear = try series { 1e-4 + 1e-8 * $0 }
        #expect(ClaimVerdict.judge(.linear, linear).outcome == .confirmed)
        let notConstant = ClaimVerdict.judge(.constant, linear)
        #expect(notConstant.outcome == .contradicted && notConstant.reason.contains("not O(1)"))
        #expect(ClaimVerdict.judge(.quadratic, linear).outcome == .contradicted)
        #expect(ClaimVerdict.judge(.linear, linear, noisy: true).outcome == .inconclusive)
        let quadratic = try series { 1e-4 + 1e-12 * $0 * $0 }
        #expect(ClaimVerdict.judge(.linear, quadratic).outcome == .contradicted)
        // A flat series cannot confirm a growth claim: O(N)'s b is not significant.
        let flat = try series { _ in 2e-4 }
        #expect(ClaimVerdict.judge(.constant, flat).outcome == .confirmed)
        #expect(ClaimVerdict.judge(.linear, flat).outcome != .confirmed)
        // The local slope is reported and sits near the class's exponent.
        #expect(abs(ClaimVerdict.judge(.linear, quadratic).localSlope! - 2) < 0.3)
    }

    /// The validation on the fitter's own noise model meets the targets, and it has power: a fitter
    /// that cannot see growth beyond O(log N) (an injected fault) misses the target and calls large
    /// growth O(1)-or-log, which the validation reports.
    @Test func validationMeetsTargetsAndCatchesABrokenFitter() throws {
        var validation = FitValidation(seriesPerCell: 20, seed: 3)
        validation.designs = [.report]
        validation.scenarios = [.noiseModel, .heavyTailed]
        let good = try validation.run()
        for cls in ComplexityClass.allCases {
            let r = good.rate(cls)
            #expect(Double(r.correct) >= 0.9 * Double(r.series), "\(cls): \(r)")
        }
        #expect(good.largeGrowthCalledConstant == 0)
        #expect(good.markdown(command: "test").contains("| O(N) |"))

        var broken = validation
        broken.seriesPerCell = 10   // a fitter without O(N) and faster classes misses every O(N^2) series
        broken.analyse = { series in
            var options = FitOptions()
            options.candidates = [.constant, .logN]
            return try ComplexityFitter(options: options).analyse(series)
        }
        let bad = try broken.run()
        #expect(!bad.meetsTargets)
        #expect(bad.rate(.quadratic).correct == 0)
    }
}
