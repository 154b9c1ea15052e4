@_exported import RealModule
import CBLAS
import RealModule

/// The scalar a model computes in: `Float` for profiling, `Double` for gradient checks.
///
/// Besides ordinary floating-point arithmetic (`BinaryFloatingPoint`) and the elementary
/// functions of swift-numerics (`Real`: `exp`, `log`, `tanh`, ...), a scalar dispatches the few
/// BLAS kernels the models use to the matching single- or double-precision CBLAS routine.
/// All matrices are row-major and contiguous.
public protocol ModelScalar: BinaryFloatingPoint, Real, Codable, Sendable
where RawSignificand: FixedWidthInteger {
    /// `y ← α·op(A)·x + β·y`, with `A` of shape `rows x cols` (row-major), `op(A) = A` or `Aᵀ`.
    static func gemv(transposed: Bool, rows: Int, cols: Int, alpha: Self,
                     _ a: UnsafePointer<Self>, _ x: UnsafePointer<Self>,
                     beta: Self, _ y: UnsafeMutablePointer<Self>)
    /// `C ← α·op(A)·op(B) + β·C`, with `op(A)` of shape `m x k`, `op(B)` of `k x n`, `C` of `m x n`,
    /// all row-major with leading dimensions `lda`, `ldb`, `ldc` (so rows of a matrix may be strided).
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                     _ a: UnsafePointer<Self>, lda: Int, _ b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, _ c: UnsafeMutablePointer<Self>, ldc: Int)
    /// `A ← A + α·x·yᵀ`, with `A` of shape `rows x cols` (row-major), `x` of `rows`, `y` of `cols`.
    static func ger(rows: Int, cols: Int, alpha: Self,
                    _ x: UnsafePointer<Self>, _ y: UnsafePointer<Self>, _ a: UnsafeMutablePointer<Self>)
    /// `x · y` over `n` contiguous entries, summed in a fixed order (`orderedDot`): equal rows give
    /// bit-identical similarities wherever they sit in memory, so ties are seen as ties.
    static func dot(_ n: Int, _ x: UnsafePointer<Self>, _ y: UnsafePointer<Self>) -> Self
    /// `y ← α·x + y` over `n` contiguous entries.
    static func axpy(_ n: Int, alpha: Self, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>)
}

extension Float: ModelScalar {
    @inlinable
    public static func gemv(transposed: Bool, rows: Int, cols: Int, alpha: Float,
                            _ a: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                            beta: Float, _ y: UnsafeMutablePointer<Float>) {
        guard rows > 0, cols > 0 else { return }
        cblas_sgemv(CblasRowMajor, transposed ? CblasTrans : CblasNoTrans, Int32(rows), Int32(cols),
                    alpha, a, Int32(cols), x, 1, beta, y, 1)
    }
    @inlinable
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                            _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inlinable
    public static func ger(rows: Int, cols: Int, alpha: Float,
                           _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ a: UnsafeMutablePointer<Float>) {
        guard rows > 0, cols > 0 else { return }
        cblas_sger(CblasRowMajor, Int32(rows), Int32(cols), alpha, x, 1, y, 1, a, Int32(cols))
    }
    @inlinable
    public static func dot(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        orderedDot(n, x, y)
    }
    @inlinable
    public static func axpy(_ n: Int, alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        for i in 0..<n { y[i] += alpha * x[i] }
    }
}

extension Double: ModelScalar {
    @inlinable
    public static func gemv(transposed: Bool, rows: Int, cols: Int, alpha: Double,
                            _ a: UnsafePointer<Double>, _ x: UnsafePointer<Double>,
                            beta: Double, _ y: UnsafeMutablePointer<Double>) {
        guard rows > 0, cols > 0 else { return }
        cblas_dgemv(CblasRowMajor, transposed ? CblasTrans : CblasNoTrans, Int32(rows), Int32(cols),
                    alpha, a, Int32(cols), x, 1, beta, y, 1)
    }
    @inlinable
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                            _ a: UnsafePointer<Double>, lda: Int, _ b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, _ c: UnsafeMutablePointer<Double>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inlinable
    public static func ger(rows: Int, cols: Int, alpha: Double,
                           _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ a: UnsafeMutablePointer<Double>) {
        guard rows > 0, cols > 0 else { return }
        cblas_dger(CblasRowMajor, Int32(rows), Int32(cols), alpha, x, 1, y, 1, a, Int32(cols))
    }
    @inlinable
    public static func dot(_ n: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        orderedDot(n, x, y)
    }
    @inlinable
    public static func axpy(_ n: Int, alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        for i in 0..<n { y[i] += alpha * x[i] }
    }
}

/// `x · y` with eight interleaved partial sums combined in a fixed order. The result depends only on
/// the values, never on alignment or on the BLAS kernel chosen, and the eight independent
/// accumulators let the compiler use SIMD lanes.
@inlinable
public func orderedDot<S: BinaryFloatingPoint>(_ n: Int, _ x: UnsafePointer<S>, _ y: UnsafePointer<S>) -> S {
    var a0: S = 0, a1: S = 0, a2: S = 0, a3: S = 0, a4: S = 0, a5: S = 0, a6: S = 0, a7: S = 0
    var i = 0
    while i + 8 <= n {
        a0 += x[i] * y[i]; a1 += x[i + 1] * y[i + 1]; a2 += x[i + 2] * y[i + 2]; a3 += x[i + 3] * y[i + 3]
        a4 += x[i + 4] * y[i + 4]; a5 += x[i + 5] * y[i + 5]; a6 += x[i + 6] * y[i + 6]; a7 += x[i + 7] * y[i + 7]
        i += 8
    }
    var tail: S = 0
    while i < n { tail += x[i] * y[i]; i += 1 }
    return (((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))) + tail
}
