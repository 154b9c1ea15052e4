import Foundation
import SAMNumerics

/// A way synthetic measurements depart from the fitter's noise model (or not), for `FitValidation`.
///
/// Every series is y_ij = law(N_i) · distortion(N_i) · noise_ij, law = a + b·g(N) of the true class
/// with a = r·b·g(N_min), r ∈ [0.5, 2] (O(1): y = a).
public enum SyntheticScenario: String, CaseIterable, Codable, Sendable {
    /// The fitter's own model: log-normal multiplicative noise, σ ∈ [5%, 10%] per series.
    case noiseModel = "noise model"
    /// Cache steps: ×(1 + h) for every N past a random size in the sweep, h ∈ [5%, 25%].
    case cacheStep = "cache step"
    /// Jumps where the working set (128 B per row) passes L2 (1 MiB) and L3 (32 MiB), 5–20% each.
    case l2l3Jumps = "L2/L3 jumps"
    /// Heavy-tailed noise: Student t with 3 degrees of freedom on the log scale, scale 5%.
    case heavyTailed = "heavy-tailed noise"
    /// Outliers: each replicate with probability 10% multiplied by 2–5 (a preempted segment).
    case outliers = "outliers"

    /// The smallest N whose working set (128 B per row) exceeds L2 (1 MiB) and L3 (32 MiB): where
    /// `l2l3Jumps` steps, and what `CacheStepPlacement.atSizes` is told when the boundaries are known.
    public static let cacheBoundaries = [(1 << 20) / 128 + 1, (32 << 20) / 128 + 1]

    /// The distortion of the law at size n (1 for the scenarios that only change the noise).
    func distortion(sizes: [Int], rng: inout SeededGenerator) -> (Int) -> Double {
        switch self {
        case .noiseModel, .heavyTailed, .outliers:
            return { _ in 1 }
        case .cacheStep:
            let at = sizes[Int.random(in: 1..<sizes.count, using: &rng)]
            let h = Double.random(in: 0.05...0.25, using: &rng)
            return { n in n >= at ? 1 + h : 1 }
        case .l2l3Jumps:
            let l2 = Double.random(in: 0.05...0.20, using: &rng), l3 = Double.random(in: 0.05...0.20, using: &rng)
            let (atL2, atL3) = (Self.cacheBoundaries[0], Self.cacheBoundaries[1])
            return { n in (n >= atL2 ? 1 + l2 : 1) * (n >= atL3 ? 1 + l3 : 1) }
        }
    }

    /// One multiplicative noise factor.
    func noise(sigma: Double, rng: inout SeededGenerator) -> Double {
        switch self {
        case .noiseModel, .cacheStep, .l2l3Jumps:
            return exp(sigma * (rng.normal() as Double))
        case .heavyTailed:
            // t₃ = Z / sqrt(χ²₃ / 3).
            let z: Double = rng.normal()
            let chi2 = (0..<3).reduce(0.0) { acc, _ in let u: Double = rng.normal(); return acc + u * u }
            return exp(0.05 * z / (chi2 / 3).squareRoot())
        case .outliers:
            let base = exp(sigma * (rng.normal() as Double))
            return Double.random(in: 0..<1, using: &rng) < 0.1 ? base * Double.random(in: 2...5, using: &rng) : base
        }
    }
}

/// A sweep design: which sizes, how many replicates per size.
public struct SyntheticDesign: Codable, Sendable, Equatable {
    public let name: String
    public let sizes: [Int]
    public let replicates: Int

    public init(name: String, sizes: [Int], replicates: Int) {
        self.name = name
        self.sizes = sizes
        self.replicates = replicates
    }

    /// The default report's SAM sweep: 2^10 … 2^20, 3 process replicates.
    public static let report = SyntheticDesign(name: "report (2^10…2^20, 3 replicates)", sizes: (10...20).map { 1 << $0 }, replicates: 3)
    /// The README's example: 2^10, 2^12, 2^14, 2^16 with 5 replicates.
    public static let readme = SyntheticDesign(name: "README example (2^10, 2^12, 2^14, 2^16, 5 replicates)",
                                               sizes: [1 << 10, 1 << 12, 1 << 14, 1 << 16], replicates: 5)

    /// One series of `cls` under `scenario`, and the true law's growth over the sweep.
    public func series(_ cls: ComplexityClass, _ scenario: SyntheticScenario,
                       rng: inout SeededGenerator) throws -> (series: ScalingSeries, trueGrowth: Double) {
        let b = pow(10, Double.random(in: -9 ... -3, using: &rng))
        let law: (Double) -> Double
        if let gMin = cls.growth(Double(sizes[0])) {
            let a = Double.random(in: 0.5...2, using: &rng) * b * gMin
            law = { a + b * cls.growth($0)! }
        } else {
            law = { _ in b }
        }
        let distortion = scenario.distortion(sizes: sizes, rng: &rng)
        let sigma = Double.random(in: 0.05...0.10, using: &rng)
        let groups = sizes.map { n in
            (0..<replicates).map { _ in law(Double(n)) * distortion(n) * scenario.noise(sigma: sigma, rng: &rng) }
        }
        let truth = law(Double(sizes.last!)) * distortion(sizes.last!) / (law(Double(sizes[0])) * distortion(sizes[0]))
        return (try ScalingSeries(sizes: sizes, replicates: groups), truth)
    }
}
