import CKDForest
import SAMNumerics
import Synchronization

/// FLANN's build seeds and draws from the C library's global `rand()`; builds are serialised so a
/// seeded build is reproducible even when several indexes are built on different threads.
let flannBuildLock = Mutex<Void>(())

/// The precision-specific entry points of CKDForest (`ckdforest_float_*` or `ckdforest_double_*`):
/// FLANN's k-d forest with its own best-bin-first search run on buffers kept between queries, chosen
/// once per index from its scalar type. Points, queries and distances are raw pointers to `Scalar`.
struct FLANNOps {
    /// Builds a forest of `trees` trees over `rows x cols` points (kept by pointer, not copied), seeded
    /// as FLANN's C API seeds (`srand(seed)` when `seed > 0`).
    let build: (UnsafeMutableRawPointer, Int, Int, Int32, Int) -> OpaquePointer?
    /// Adds one point (kept by pointer) without rebuilding; returns its FLANN id, or -1.
    let add: (OpaquePointer, UnsafeMutableRawPointer) -> Int
    /// Marks the point with the given FLANN id as removed.
    let remove: (OpaquePointer, Int) -> Int32
    /// k-NN search for one query: (forest, query, nn, checks, ids out, squared distances out) →
    /// how many were found, or -1. Identical to FLANN's own search (CKDForestTests).
    let search: (OpaquePointer, UnsafeRawPointer, Int, Int32, UnsafeMutablePointer<Int32>, UnsafeMutableRawPointer) -> Int
    /// The stored pointer of the point with the given id (nil if unknown).
    let point: (OpaquePointer, Int) -> UnsafeMutableRawPointer?
    /// Bytes FLANN reports for the trees.
    let usedMemory: (OpaquePointer) -> Int
    /// Frees the forest.
    let free: (OpaquePointer) -> Void

    static func forScalar<Scalar: ModelScalar>(_: Scalar.Type) -> FLANNOps {
        if Scalar.self == Float.self {
            return FLANNOps(
                build: { d, r, c, t, s in
                    ckdforest_float_build(d.assumingMemoryBound(to: Float.self), r, c, t, s)
                },
                add: { f, p in ckdforest_float_add(f, p.assumingMemoryBound(to: Float.self)) },
                remove: { f, id in ckdforest_float_remove(f, id) },
                search: { f, q, nn, checks, ids, d in
                    ckdforest_float_search(f, q.assumingMemoryBound(to: Float.self), nn, checks, ids,
                                           d.assumingMemoryBound(to: Float.self))
                },
                point: { f, id in ckdforest_float_point(f, id).map { UnsafeMutableRawPointer($0) } },
                usedMemory: { f in ckdforest_float_used_memory(f) },
                free: { f in ckdforest_float_free(f) })
        }
        precondition(Scalar.self == Double.self, "KDForestIndex supports Float and Double only")
        return FLANNOps(
            build: { d, r, c, t, s in
                ckdforest_double_build(d.assumingMemoryBound(to: Double.self), r, c, t, s)
            },
            add: { f, p in ckdforest_double_add(f, p.assumingMemoryBound(to: Double.self)) },
            remove: { f, id in ckdforest_double_remove(f, id) },
            search: { f, q, nn, checks, ids, d in
                ckdforest_double_search(f, q.assumingMemoryBound(to: Double.self), nn, checks, ids,
                                        d.assumingMemoryBound(to: Double.self))
            },
            point: { f, id in ckdforest_double_point(f, id).map { UnsafeMutableRawPointer($0) } },
            usedMemory: { f in ckdforest_double_used_memory(f) },
            free: { f in ckdforest_double_free(f) })
    }
}

/// FLANN's positive `random_seed` for a build from `seed` (FLANN only seeds when it is positive).
func flannSeed(_ seed: UInt64) -> Int { Int(seed % 2_147_483_646) + 1 }
