import CBLAS

/// OpenBLAS's thread count. Every measurement in SAMKit is single-threaded: with OpenBLAS's thread
/// pool active (OPENBLAS_NUM_THREADS unset on a multi-core machine) a BLAS call may hand work to
/// other threads, which allocates per call and takes CPU time the calling thread's clock does not
/// see. `samkit` calls `useOne()` before any command runs, whatever the environment says.
public enum BLASThreads {
    /// Sets OpenBLAS to one thread (`openblas_set_num_threads(1)`).
    public static func useOne() { openblas_set_num_threads(1) }

    /// The number of threads OpenBLAS will use (`openblas_get_num_threads()`).
    public static var count: Int { Int(openblas_get_num_threads()) }
}
