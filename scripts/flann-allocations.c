/*
 * flann-allocations: heap allocations (malloc, calloc, realloc, counted by interposition as
 * Sources/CAllocationCounter does) made by each call of FLANN's C API that SAM's k-d forest makes
 * per step, at several N, with nothing of ours in between. It shows which per-step allocations of
 * `sam-kdtree` (the gate's allocations-per-step) are FLANN's and that the C API cannot avoid them:
 * flann_find_nearest_neighbors_index_float takes caller-owned `int` result buffers but converts
 * them through a `new size_t[]` (NNIndex::knnSearch), builds a result set on the heap
 * (KNNSimpleResultSet's std::vector), and KDTreeIndex::getNeighbors allocates a branch heap
 * (`new Heap`, whose vector reserves N entries) and an N-bit `DynamicBitset` per query.
 *
 *   make flann-allocations
 */
#define _GNU_SOURCE
#include <flann/flann.h>
#include <stdio.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static int counting = 0;
static long count = 0;
void *malloc(size_t n) { if (counting) count++; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { if (counting) count++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { if (counting) count++; return __libc_realloc(p, n); }

enum { WIDTH = 33, K = 8, CALLS = 1000 };   /* SAM's point width W + 1 and its 2K candidates */

static unsigned long long state = 7;
static float uniform(void) {
    unsigned long long z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return (float)((double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0) - 0.5f;
}

int main(void) {
    printf("| N | allocations per flann_find_nearest_neighbors_index_float (1 query) | per flann_remove_point_float | per flann_add_points_float (1 point) |\n");
    printf("|---:|---:|---:|---:|\n");
    for (int log2n = 10; log2n <= 16; log2n += 2) {
        int n = 1 << log2n;
        float *points = malloc(sizeof(float) * (size_t)n * WIDTH);
        for (long i = 0; i < (long)n * WIDTH; i++) points[i] = uniform();
        struct FLANNParameters p = DEFAULT_FLANN_PARAMETERS;
        p.algorithm = FLANN_INDEX_KDTREE; p.trees = 4; p.checks = 32; p.cores = 1; p.log_level = FLANN_LOG_NONE;
        float speedup;
        flann_index_t index = flann_build_index_float(points, n, WIDTH, &speedup, &p);
        float query[WIDTH]; int ids[K]; float dists[K];
        for (int j = 0; j < WIDTH; j++) query[j] = uniform();
        flann_find_nearest_neighbors_index_float(index, query, 1, ids, dists, K, &p);   /* warm */
        counting = 1; count = 0;
        for (int c = 0; c < CALLS; c++) flann_find_nearest_neighbors_index_float(index, query, 1, ids, dists, K, &p);
        double search = (double)count / CALLS;
        count = 0;
        for (int c = 0; c < CALLS; c++) flann_remove_point_float(index, (unsigned)c);
        double removal = (double)count / CALLS;
        count = 0;
        for (int c = 0; c < CALLS; c++) flann_add_points_float(index, points + (long)c * WIDTH, 1, WIDTH, 1e30f);
        double add = (double)count / CALLS;
        counting = 0;
        printf("| %d | %.3f | %.3f | %.3f |\n", n, search, removal, add);
        flann_free_index_float(index, &p);
        free(points);
    }
    return 0;
}
