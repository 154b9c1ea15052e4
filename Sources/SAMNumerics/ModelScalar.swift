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
    /// `A ← A + α·x·yᵀ`, with `A` of shape `rows x cols` (row-major), `x` of `rows`, `y` of `cols`.
    static func ger(rows: Int, cols: Int, alpha: Self,
                    _ x: UnsafePointer<Self>, _ y: UnsafePointer<Self>, _ a: UnsafeMutablePointer<Self>)
    /// `x · y` over `n` contiguous entries.
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
    public static func ger(rows: Int, cols: Int, alpha: Float,
                           _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ a: UnsafeMutablePointer<Float>) {
        guard rows > 0, cols > 0 else { return }
        cblas_sger(CblasRowMajor, Int32(rows), Int32(cols), alpha, x, 1, y, 1, a, Int32(cols))
    }
    @inlinable
    public static func dot(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        n > 0 ? cblas_sdot(Int32(n), x, 1, y, 1) : 0
    }
    @inlinable
    public static func axpy(_ n: Int, alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        if n > 0 { cblas_saxpy(Int32(n), alpha, x, 1, y, 1) }
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
    public static func ger(rows: Int, cols: Int, alpha: Double,
                           _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ a: UnsafeMutablePointer<Double>) {
        guard rows > 0, cols > 0 else { return }
        cblas_dger(CblasRowMajor, Int32(rows), Int32(cols), alpha, x, 1, y, 1, a, Int32(cols))
    }
    @inlinable
    public static func dot(_ n: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        n > 0 ? cblas_ddot(Int32(n), x, 1, y, 1) : 0
    }
    @inlinable
    public static func axpy(_ n: Int, alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        if n > 0 { cblas_daxpy(Int32(n), alpha, x, 1, y, 1) }
    }
}
