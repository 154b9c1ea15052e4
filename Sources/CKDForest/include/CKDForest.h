#ifndef CKDFOREST_H
#define CKDFOREST_H
/// A C interface to FLANN's randomized k-d forest (`flann::KDTreeIndex<flann::L2<T>>`, Debian's
/// libflann-dev headers) whose search is FLANN's own best-bin-first algorithm (`getNeighbors` /
/// `searchLevel`: same trees, checks, eps = 0 and visiting order, FLANN's `KNNSimpleResultSet`) with
/// its branch heap and visited set kept between queries, the visited set cleared through the list of
/// points it marked. So a steady-state search makes no heap allocation and no O(N) work, where
/// FLANN's C API allocates an N-entry heap, an N-bit set and its id and result buffers per query.
/// Ids are FLANN's: 0..<rows for the built points, then sequential for added ones.
/// No C++ exception crosses this interface: a failing call returns NULL or a negative number.
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CKDFOREST_DECLARE(T)                                                                        \
typedef struct ckdforest_##T ckdforest_##T;                                                         \
/** A forest of `trees` trees over `rows x cols` points (kept by pointer, not copied); FLANN's C  */ \
/** library seeding (`srand(seed)`) when `seed > 0`, and each tree's shuffle from mt19937(seed): */ \
/** one seed, one forest, in every process. NULL on failure. */                                     \
ckdforest_##T *ckdforest_##T##_build(T *points, size_t rows, size_t cols, int trees, long seed);     \
/** Adds one point (kept by pointer) to every tree, never rebuilding. Its id, or -1. */             \
long ckdforest_##T##_add(ckdforest_##T *forest, T *point);                                          \
/** Marks the point with `id` removed and splices its leaf out of each tree where a descent with */ \
/** its coordinates finds it (the nodes are reused by later adds). 0 on success, -1 on failure.   */ \
int ckdforest_##T##_remove(ckdforest_##T *forest, size_t id);                                       \
/** The stored pointer of the point with `id` (NULL if unknown). */                                 \
T *ckdforest_##T##_point(ckdforest_##T *forest, size_t id);                                         \
/** The `knn` nearest points FLANN's best-bin-first search with `checks` finds, nearest first:    */ \
/** ids and squared distances (unused entries -1); knn <= 250. Returns how many were found, or -1. */           \
long ckdforest_##T##_search(ckdforest_##T *forest, const T *query, size_t knn, int checks,          \
                            int *ids, T *distances);                                                \
/** The same search through FLANN's own `findNeighbors` (fresh heap and set): for tests. */         \
long ckdforest_##T##_search_flann(ckdforest_##T *forest, const T *query, size_t knn, int checks,    \
                                  int *ids, T *distances);                                          \
/** Leaves checked by this handle's searches since it was built (`checkCount`, summed). */          \
long ckdforest_##T##_leaves_checked(const ckdforest_##T *forest);                                   \
/** Leaves `remove` spliced out of the trees since the build (one per tree per point found). */    \
long ckdforest_##T##_spliced_leaves(const ckdforest_##T *forest);                                   \
/** Bytes FLANN reports for the trees (`usedMemory`). */                                            \
size_t ckdforest_##T##_used_memory(const ckdforest_##T *forest);                                    \
/** Frees the forest (NULL is allowed). */                                                          \
void ckdforest_##T##_free(ckdforest_##T *forest);

CKDFOREST_DECLARE(float)
CKDFOREST_DECLARE(double)

#ifdef __cplusplus
}
#endif
#endif
