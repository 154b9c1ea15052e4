import Foundation
import SAMNumerics
@testable import ComplexityFit

/// The seeded SplitMix64 generator of SAMNumerics, under the name these tests have always used.
typealias SplitMix64 = SeededGenerator

/// Synthetic scaling measurements with a known law and multiplicative noise.
enum Synthetic {
    /// Ten sizes, a geometric sweep from 2^8 to 2^20.
    static let sizes: [Int] = (0..<10).map { Int((256 * pow(2, 12 * Double($0) / 9)).rounded()) }
    static let replicates = 5

    /// Replicates value(N) · exp(σ·ε), with σ drawn once per series uniformly in [0.05, 0.10].
    static func series(_ value: (Double) -> Double, rng: inout SplitMix64, sizes: [Int] = sizes,
                       replicates: Int = replicates, noise: ClosedRange<Double> = 0.05...0.10) -> ScalingSeries {
        let sigma = Double.random(in: noise, using: &rng)
        let groups = sizes.map { n in
            (0..<replicates).map { _ in value(Double(n)) * exp(sigma * (rng.normal() as Double)) }
        }
        return try! ScalingSeries(sizes: sizes, replicates: groups)
    }

    /// y = a + b·g(N) with b drawn log-uniformly over six decades and a = r·b·g(N_min), r ∈ [0.5, 2]
    /// (a realistic fixed overhead comparable to the growth term at the smallest size).
    /// For O(1), y = a with a log-uniform.
    static func law(_ cls: ComplexityClass, rng: inout SplitMix64, nMin: Int = sizes[0]) -> (Double) -> Double {
        let b = pow(10, Double.random(in: -9 ... -3, using: &rng))
        guard let gMin = cls.growth(Double(nMin)) else { return { _ in b } }
        let a = Double.random(in: 0.5...2, using: &rng) * b * gMin
        return { n in a + b * cls.growth(n)! }
    }
}

/// Accumulates a rate and prints it with its binomial standard error.
struct Rate: CustomStringConvertible {
    var hits = 0, trials = 0
    mutating func record(_ hit: Bool) { trials += 1; if hit { hits += 1 } }
    var value: Double { Double(hits) / Double(max(trials, 1)) }
    var description: String {
        String(format: "%d/%d = %.1f%% (± %.1f%%)", hits, trials, 100 * value,
               100 * (value * (1 - value) / Double(max(trials, 1))).squareRoot())
    }
}
