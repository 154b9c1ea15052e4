import Foundation
import Profiling
import SAMNumerics

/// The calibration workload timed in every round (issue 12): a BLAS sgemv of a fixed size and a
/// fixed scalar loop, independent of the project's models. A model's step time divided by it, in
/// the same round, is a machine-speed-free figure that a uniform slowdown of the project's code
/// (e.g. its controller) moves and a slower or busier machine does not (to first order).
final class Calibration {
    /// The sgemv: y = A x with A 256 x 256, repeated `gemvRepeats` times (shared BLAS, as the controller uses).
    static let gemvSize = 256, gemvRepeats = 16
    /// The scalar loop: `scalarIterations` steps of a 64-bit xorshift, summed.
    static let scalarIterations = 200_000
    private var matrix: [Float]
    private var x: [Float], y: [Float]
    /// Keeps the scalar loop's result so it is not optimised away.
    private(set) var sink: UInt64 = 0

    init() {
        var rng = SeededGenerator(seed: 12)
        let n = Self.gemvSize
        matrix = (0..<n * n).map { _ in rng.uniform(Float(1)) }
        x = (0..<n).map { _ in rng.uniform(Float(1)) }
        y = Array(repeating: 0, count: n)
    }

    /// CPU seconds of this thread for one run of the workload (gemv part and scalar part together);
    /// CPU time, like the segments it normalises (`Instance.timedSegment`).
    func time() -> Double {
        let start = Clock.threadCPU()
        let n = Self.gemvSize
        for _ in 0..<Self.gemvRepeats {
            matrix.withUnsafeBufferPointer { a in
                x.withUnsafeBufferPointer { xs in
                    y.withUnsafeMutableBufferPointer { ys in
                        Float.gemv(transposed: false, rows: n, cols: n, alpha: 1, a.baseAddress!, xs.baseAddress!,
                                   beta: 0, ys.baseAddress!)
                    }
                }
            }
            x[0] = y[0] * 1e-3
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15, sum: UInt64 = 0
        for _ in 0..<Self.scalarIterations {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            sum &+= state
        }
        sink &+= sum
        return Clock.threadCPU() - start
    }
}
