import Foundation
import SAMNumerics

/// DAM against the machine's single-thread BLAS, at one N, measured in the worker that measured DAM
/// (issue 14, "an honest dense baseline").
///
/// DAM's step is R x N x W products over the memory: forward M += WWᵀA, S = QMᵀ, R = WR·M; backward
/// six more of the same shapes (`DAM.readBackward`, `writeBackward`), each 2·R·N·W flops, plus
/// O(N·W) passes (row norms twice, the cosine's row term, the tape copy of M_t). `flopsPerStep`
/// counts them: 9 gemms of 2·R·N·W and 3 passes of 2·N·W, i.e. (18·R + 6)·N·W. The BLAS rate is
/// the best of three timed runs of DAM's three forward gemm shapes on N x W data in the same
/// process; DAM's achieved rate is `flopsPerStep` ÷ its median step time.
public struct DenseRoofline: Codable, Sendable, Equatable {
    /// N, memory words, at which DAM's step and the BLAS were measured.
    public let size: Int
    /// (18·R + 6)·N·W: the floating-point operations of one DAM step, forward and backward.
    public let flopsPerStep: Double
    /// Single-thread sgemm GFLOP/s over DAM's three forward shapes (R x N x W).
    public let gemmGFLOPS: Double
    /// Single-thread sgemv GFLOP/s of the same products done head by head (R gemv calls each).
    public let gemvGFLOPS: Double

    /// (18·R + 6)·N·W for N = `n` and the shape's R (heads) and W (word size): `flopsPerStep`.
    public static func flops(size n: Int, shape: ModelShape) -> Double {
        Double(18 * shape.heads + 6) * Double(n) * Double(shape.wordSize)
    }

    /// Times DAM's gemm shapes on fresh N x W data (allocated here, freed on return).
    public static func measure(size n: Int, shape: ModelShape) -> DenseRoofline {
        let w = shape.wordSize, r = shape.heads
        var rng = SeededGenerator(seed: 5)
        let m = UnsafeMutablePointer<Float>.allocate(capacity: n * w)
        let rows = UnsafeMutablePointer<Float>.allocate(capacity: r * n)
        let small = UnsafeMutablePointer<Float>.allocate(capacity: r * w)
        defer { m.deallocate(); rows.deallocate(); small.deallocate() }
        for i in 0..<(n * w) { m[i] = rng.uniform(0.5) }
        for i in 0..<(r * n) { rows[i] = rng.uniform(0.5) }
        for i in 0..<(r * w) { small[i] = rng.uniform(0.5) }
        let work = 3 * 2 * Double(r) * Double(n) * Double(w)
        func best(_ body: () -> Void) -> Double {
            body()   // touch the pages first
            var least = Double.infinity
            for _ in 0..<3 {
                let t0 = Clock.monotonic()
                body()
                least = min(least, Clock.monotonic() - t0)
            }
            return least
        }
        let gemm = best {
            Float.gemm(transposeA: true, transposeB: false, m: n, n: w, k: r, alpha: 1e-3, rows, lda: n, small, ldb: w,
                       beta: 1, m, ldc: w)
            Float.gemm(transposeA: false, transposeB: true, m: r, n: n, k: w, alpha: 1, small, lda: w, m, ldb: w,
                       beta: 0, rows, ldc: n)
            Float.gemm(transposeA: false, transposeB: false, m: r, n: w, k: n, alpha: 1, rows, lda: n, m, ldb: w,
                       beta: 0, small, ldc: w)
        }
        let gemv = best {
            for j in 0..<r {
                Float.ger(rows: n, cols: w, alpha: 1e-3, rows + j * n, small + j * w, m)
                Float.gemv(transposed: false, rows: n, cols: w, alpha: 1, m, small + j * w, beta: 0, rows + j * n)
                Float.gemv(transposed: true, rows: n, cols: w, alpha: 1, m, rows + j * n, beta: 0, small + j * w)
            }
        }
        return DenseRoofline(size: n, flopsPerStep: flops(size: n, shape: shape),
                             gemmGFLOPS: work / gemm / 1e9, gemvGFLOPS: work / gemv / 1e9)
    }

    /// DAM's achieved GFLOP/s at a median step time.
    public func achievedGFLOPS(stepSeconds: Double) -> Double { flopsPerStep / stepSeconds / 1e9 }
}
