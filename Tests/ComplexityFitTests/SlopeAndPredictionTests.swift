import Foundation
import Testing
@testable import ComplexityFit

/// The log-log slope interval and the prediction intervals have their nominal coverage.
@Suite struct SlopeAndPredictionTests {
    /// Pure power laws y = b·N^p, p ∈ {0, 0.5, 1, 1.5, 2}, 5–10% noise: the 95% slope interval
    /// covers p in 90–99% of trials.
    @Test func slopeIntervalCoversTrueSlope() throws {
        var rng = SplitMix64(seed: 0x51_0BE)
        var overall = Rate()
        for p in [0.0, 0.5, 1.0, 1.5, 2.0] {
            var rate = Rate()
            for _ in 0..<100 {
                let b = pow(10, Double.random(in: -9 ... -3, using: &rng))
                let slope = try ComplexityFitter().analyse(Synthetic.series({ b * pow($0, p) }, rng: &rng)).slope
                #expect(slope.confidenceLevel == 0.95 && slope.degreesOfFreedom == Synthetic.sizes.count - 2)
                rate.record(slope.contains(p))
                overall.record(slope.contains(p))
            }
            print("slope CI coverage, p = \(p): \(rate)")
        }
        print("slope CI coverage, all exponents: \(overall)")
        #expect(overall.value >= 0.90 && overall.value <= 0.99)
    }

    /// The 95% prediction interval from the chosen class covers a fresh median drawn from the truth,
    /// both at a measured size and four times beyond the largest one; extrapolated sizes are flagged.
    @Test func predictionIntervalCoversNewMedians() throws {
        var rng = SplitMix64(seed: 0x9E_D1C7)
        let far = 4 * Synthetic.sizes.last!, mid = Synthetic.sizes[5]
        var atMeasured = Rate(), atFar = Rate()
        for cls in [ComplexityClass.logN, .linear, .nLogN] {
            for _ in 0..<60 {
                let law = Synthetic.law(cls, rng: &rng)
                let sigma = Double.random(in: 0.05...0.10, using: &rng)
                let series = Synthetic.series(law, rng: &rng)
                let analysis = try ComplexityFitter().analyse(series, extrapolatingTo: [far])
                func freshMedian(_ n: Int) -> Double {
                    let draws = (0..<Synthetic.replicates).map { _ in law(Double(n)) * exp(sigma * rng.normal()) }
                    return draws.sorted()[draws.count / 2]
                }
                let byN = Dictionary(uniqueKeysWithValues: analysis.predictions.map { ($0.size, $0) })
                #expect(byN[far]?.kind == .extrapolated && byN[mid]?.kind == .measured)
                let m = byN[mid]!, f = byN[far]!
                atMeasured.record((m.lower...m.upper).contains(freshMedian(mid)))
                atFar.record((f.lower...f.upper).contains(freshMedian(far)))
            }
        }
        print("prediction interval coverage at measured N: \(atMeasured); at 4·N_max: \(atFar)")
        #expect(atMeasured.value >= 0.85 && atFar.value >= 0.85)
    }

    /// Interpolated sizes are flagged as such, and the whole analysis survives a JSON round trip.
    @Test func analysisIsCodableAndFlagsInterpolation() throws {
        var rng = SplitMix64(seed: 3)
        let series = Synthetic.series(Synthetic.law(.linear, rng: &rng), rng: &rng)
        let analysis = try ComplexityFitter().analyse(series, extrapolatingTo: [300, 1 << 22])
        let kinds = Dictionary(uniqueKeysWithValues: analysis.predictions.map { ($0.size, $0.kind) })
        #expect(kinds[300] == .interpolated && kinds[1 << 22] == .extrapolated && kinds[256] == .measured)
        let data = try JSONEncoder().encode(analysis)
        #expect(try JSONDecoder().decode(ComplexityAnalysis.self, from: data) == analysis)
        #expect(try JSONDecoder().decode(ScalingSeries.self, from: JSONEncoder().encode(series)) == series)
    }
}
