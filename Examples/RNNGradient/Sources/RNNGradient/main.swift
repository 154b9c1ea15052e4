import ComplexityFit
import Foundation
import Verification

// 1. Check the RNN's hand-written gradient with SAMKit's harness, then show the check can fail.
/// A small seeded LCG: the example needs no dependency beyond SAMKit.
struct LCG {
    var state: UInt64
    mutating func uniform() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(UInt64(1) << 53) * 2 - 1
    }
}
var random = LCG(state: 42)
let (x, h, y, steps) = (3, 4, 2, 5)
let rnn = RNN(inputs: (0..<steps).map { _ in (0..<x).map { _ in random.uniform() } },
              targets: (0..<steps).map { _ in (0..<y).map { _ in random.uniform() } },
              inputSize: x, hiddenSize: h, outputSize: y)
let theta = (0..<rnn.parameterCount).map { _ in 0.5 * random.uniform() }
let report = try GradientCheck.run(rnn, at: theta)
print("RNN gradient check: \(report.compared) coordinates, \(report.failures) outside tolerance, "
      + "worst \(report.worst.map { "\($0.coordinate): |Δ| = \(format($0.absoluteError)) vs bound \(format($0.tolerance.value))" } ?? "-")")

/// The same RNN with one gradient entry off by 0.1%: the harness must reject it.
struct Broken: GradientCheckable {
    let base: RNN
    var parameterCount: Int { base.parameterCount }
    func loss(_ p: [Double]) -> Double { base.loss(p) }
    func gradient(_ p: [Double]) -> [Double] { var g = base.gradient(p); g[7] *= 1.001; return g }
}
let broken = try GradientCheck.run(Broken(base: rnn), at: theta)
print("with gradient[7] scaled by 1.001: \(broken.passed ? "NOT caught" : "caught at \(broken.worst!.coordinate)")")

// 2. Fit a series with SAMKit's fitter: time per step of a loop that is O(N log N) by construction.
let sizes = (10...15).map { 1 << $0 }
let replicates = sizes.map { n in
    (0..<3).map { r in Double(n) * log2(Double(n)) * 1e-9 * (1 + 0.01 * Double(r - 1)) }
}
let analysis = try ComplexityFitter().analyse(sizes: sizes, replicates: replicates)
print("fitted class: \(analysis.selection.chosen.rawValue) (log-log slope \(String(format: "%.3f", analysis.slope.slope)))")

exit(report.passed && !broken.passed && analysis.selection.chosen == .nLogN ? 0 : 1)
