import CFLANN
import SAMNumerics
import Synchronization

/// FLANN's build seeds and draws from the C library's global `rand()`; builds are serialised so a
/// seeded build is reproducible even when several indexes are built on different threads.
let flannBuildLock = Mutex<Void>(())

/// The precision-specific entry points of FLANN's C API (`flann_*_float` or `flann_*_double`),
/// chosen once per index from its scalar type. Points, queries and distances are passed as raw
/// pointers to `Scalar`; indices as `Int32`.
struct FLANNOps {
    /// Builds an index over `rows x cols` points (FLANN keeps pointers to them, it does not copy).
    let build: (UnsafeMutableRawPointer, Int32, Int32, UnsafeMutablePointer<FLANNParameters>) -> flann_index_t?
    /// Adds `rows x cols` points; the last argument is FLANN's own rebuild threshold.
    let add: (flann_index_t, UnsafeMutableRawPointer, Int32, Int32, Float) -> Int32
    /// Marks the point with the given FLANN id as removed.
    let remove: (flann_index_t, UInt32) -> Int32
    /// k-NN search for one or more queries: (index, queries, count, ids out, distances out, nn, params).
    let search: (flann_index_t, UnsafeMutableRawPointer, Int32, UnsafeMutablePointer<Int32>,
                 UnsafeMutableRawPointer, Int32, UnsafeMutablePointer<FLANNParameters>) -> Int32
    /// The stored pointer of the point with the given id (nil if unknown).
    let point: (flann_index_t, UInt32) -> UnsafeMutableRawPointer?
    /// Bytes FLANN reports for the index structure.
    let usedMemory: (flann_index_t) -> Int32
    /// Frees the index.
    let free: (flann_index_t, UnsafeMutablePointer<FLANNParameters>) -> Int32

    static func forScalar<Scalar: ModelScalar>(_: Scalar.Type) -> FLANNOps {
        if Scalar.self == Float.self {
            return FLANNOps(
                build: { d, r, c, p in
                    var speedup: Float = 0
                    return flann_build_index_float(d.assumingMemoryBound(to: Float.self), r, c, &speedup, p)
                },
                add: { i, d, r, c, t in flann_add_points_float(i, d.assumingMemoryBound(to: Float.self), r, c, t) },
                remove: { i, id in flann_remove_point_float(i, id) },
                search: { i, q, n, ids, dists, nn, p in
                    flann_find_nearest_neighbors_index_float(i, q.assumingMemoryBound(to: Float.self), n, ids,
                                                             dists.assumingMemoryBound(to: Float.self), nn, p)
                },
                point: { i, id in flann_get_point_float(i, id).map { UnsafeMutableRawPointer($0) } },
                usedMemory: { i in flann_used_memory_float(i) },
                free: { i, p in flann_free_index_float(i, p) })
        }
        precondition(Scalar.self == Double.self, "KDForestIndex supports Float and Double only")
        return FLANNOps(
            build: { d, r, c, p in
                var speedup: Float = 0
                return flann_build_index_double(d.assumingMemoryBound(to: Double.self), r, c, &speedup, p)
            },
            add: { i, d, r, c, t in flann_add_points_double(i, d.assumingMemoryBound(to: Double.self), r, c, t) },
            remove: { i, id in flann_remove_point_double(i, id) },
            search: { i, q, n, ids, dists, nn, p in
                flann_find_nearest_neighbors_index_double(i, q.assumingMemoryBound(to: Double.self), n, ids,
                                                          dists.assumingMemoryBound(to: Double.self), nn, p)
            },
            point: { i, id in flann_get_point_double(i, id).map { UnsafeMutableRawPointer($0) } },
            usedMemory: { i in flann_used_memory_double(i) },
            free: { i, p in flann_free_index_double(i, p) })
    }
}

/// FLANN parameters for a randomized k-d forest: `trees` trees, `checks` leaves per search,
/// single-threaded, logging off, and a positive `random_seed` derived from `seed` (FLANN only
/// seeds when it is positive). Pass `seed: nil` for search-time parameters, so that searches
/// do not reseed the C library's global generator.
func flannKDTreeParameters(trees: Int, checks: Int, seed: UInt64?) -> FLANNParameters {
    var p = FLANNParameters()
    p.algorithm = FLANN_INDEX_KDTREE
    p.checks = Int32(clamping: checks)
    p.eps = 0
    p.sorted = 1
    p.max_neighbors = -1
    p.cores = 1
    p.trees = Int32(clamping: trees)
    p.leaf_max_size = 4
    p.branching = 32
    p.iterations = 11
    p.centers_init = FLANN_CENTERS_RANDOM
    p.cb_index = 0.2
    p.target_precision = -1
    p.log_level = FLANN_LOG_NONE
    p.random_seed = seed.map { Int($0 % 2_147_483_646) + 1 } ?? 0
    return p
}
