import Foundation
import SAMNumerics
import Testing
import Verification

/// The public gradient-check protocol: a correct gradient passes, a slightly wrong one fails
/// (its false-alarm and catch rates over seeded random points are asserted, not assumed).
@Suite struct GradientCheckableTests {
    /// L(θ) = Σ_i sin(θ_i)·θ_{i+1} + θ_i² / 2 (cyclic), with an optional fault in the gradient.
    struct Chain: GradientCheckable {
        let parameterCount: Int
        var fault: (Int, Double)? = nil   // (coordinate, relative error)
        func loss(_ t: [Double]) -> Double {
            t.indices.reduce(0) { $0 + sin(t[$1]) * t[($1 + 1) % t.count] + t[$1] * t[$1] / 2 }
        }
        func gradient(_ t: [Double]) -> [Double] {
            let n = t.count
            var g = t.indices.map { i in cos(t[i]) * t[(i + 1) % n] + sin(t[(i + n - 1) % n]) + t[i] }
            if let (i, e) = fault { g[i] *= 1 + e }
            return g
        }
    }

    func point(_ seed: UInt64, _ n: Int) -> [Double] {
        var g = SeededGenerator(seed: seed)
        return (0..<n).map { _ in Double.random(in: -1...1, using: &g) }
    }

    @Test func cleanGradientsPassAndFaultsAreCaught() throws {
        var falseAlarms = 0, caught = 0
        let seeds: [UInt64] = Array(1...20)
        for seed in seeds {
            let theta = point(seed, 6)
            if try !GradientCheck.run(Chain(parameterCount: 6), at: theta).passed { falseAlarms += 1 }
            let faulty = Chain(parameterCount: 6, fault: (Int(seed % 6), 1e-4))
            let report = try GradientCheck.run(faulty, at: theta)
            if !report.passed && report.worst?.coordinate.index == Int(seed % 6) { caught += 1 }
        }
        #expect(falseAlarms == 0)
        #expect(caught == seeds.count)
    }

    @Test func unjudgeableInputsAreRefused() {
        #expect(throws: GradientCheckError.self) { try GradientCheck.run(Chain(parameterCount: 3), at: [0, 1]) }
        #expect(throws: GradientCheckError.self) { try GradientCheck.run(Chain(parameterCount: 2), at: [.nan, 1]) }
    }
}
