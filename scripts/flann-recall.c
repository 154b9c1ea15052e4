/*
 * flann-recall: recall@4 of FLANN's randomized k-d forest, measured with FLANN's own C API and
 * nothing of ours, to show that the recall `samkit index-bench` reports is FLANN's and not an
 * artefact of the Swift wrapper.
 *
 * Data: N = 2^14 random unit vectors of width W = 32 (Gaussian, normalised), 1000 random unit
 * queries, the same distribution as Tests/NearestNeighboursTests/RecallTests.swift. Truth is
 * FLANN's linear index (exhaustive). Recall@4 = |found ∩ true top 4| / 4, averaged over queries.
 * Single-threaded (cores = 1). FLANN's trees are randomized and this FLANN build does not repeat
 * them from run to run even with random_seed or srand set, so figures vary by about 0.01.
 *
 *   make flann-recall                  4 trees, checks 32 ... 4096
 *   make flann-recall ARGS=--autotune  also asks FLANN's autotuner for precision 0.9 (about 2 min)
 */
#include <flann/flann.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROWS = 1 << 14, WIDTH = 32, QUERIES = 1000, K = 4 };

static unsigned long long state = 7;
static double uniform(void) {            /* SplitMix64, in (0, 1) */
    unsigned long long z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return ((double)((z ^ (z >> 31)) >> 11) + 0.5) / 9007199254740992.0;
}
static void unit_vector(float *x) {
    double norm = 0;
    for (int i = 0; i < WIDTH; i++) {
        x[i] = (float)(sqrt(-2 * log(uniform())) * cos(6.283185307179586 * uniform()));
        norm += (double)x[i] * x[i];
    }
    for (int i = 0; i < WIDTH; i++) x[i] = (float)(x[i] / sqrt(norm));
}
static double recall(const int *found, const int *truth) {
    int hits = 0;
    for (int q = 0; q < QUERIES; q++)
        for (int a = 0; a < K; a++)
            for (int b = 0; b < K; b++) hits += found[q * K + a] == truth[q * K + b];
    return hits / (double)(QUERIES * K);
}

int main(int argc, char **argv) {
    int autotune = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--autotune") == 0) { autotune = 1; continue; }
        fprintf(stderr, "flann-recall: unknown argument '%s' (valid: --autotune)\n", argv[i]);
        return 2;
    }
    float *data = malloc(sizeof(float) * ROWS * WIDTH), *queries = malloc(sizeof(float) * QUERIES * WIDTH);
    float *dists = malloc(sizeof(float) * QUERIES * K), speedup;
    int *truth = malloc(sizeof(int) * QUERIES * K), *found = malloc(sizeof(int) * QUERIES * K);
    for (int i = 0; i < ROWS; i++) unit_vector(data + i * WIDTH);
    for (int i = 0; i < QUERIES; i++) unit_vector(queries + i * WIDTH);

    struct FLANNParameters p = DEFAULT_FLANN_PARAMETERS;
    p.log_level = FLANN_LOG_NONE; p.cores = 1; p.algorithm = FLANN_INDEX_LINEAR;
    flann_index_t linear = flann_build_index(data, ROWS, WIDTH, &speedup, &p);
    flann_find_nearest_neighbors_index(linear, queries, QUERIES, truth, dists, K, &p);
    flann_free_index(linear, &p);

    printf("FLANN k-d forest, N = %d random unit vectors, W = %d, %d random unit queries, K = %d\n",
           ROWS, WIDTH, QUERIES, K);
    const int checks[] = {32, 128, 512, 1024, 2048, 4096};
    for (size_t c = 0; c < sizeof checks / sizeof *checks; c++) {
        p = DEFAULT_FLANN_PARAMETERS;
        p.log_level = FLANN_LOG_NONE; p.cores = 1; p.algorithm = FLANN_INDEX_KDTREE;
        p.trees = 4; p.checks = checks[c];
        flann_index_t forest = flann_build_index(data, ROWS, WIDTH, &speedup, &p);
        flann_find_nearest_neighbors_index(forest, queries, QUERIES, found, dists, K, &p);
        printf("  4 trees, %4d checks: recall@4 = %.3f\n", checks[c], recall(found, truth));
        flann_free_index(forest, &p);
    }
    if (autotune) {
        p = DEFAULT_FLANN_PARAMETERS;
        p.log_level = FLANN_LOG_NONE; p.cores = 1; p.algorithm = FLANN_INDEX_AUTOTUNED;
        p.target_precision = 0.9f; p.build_weight = 0.01f; p.memory_weight = 0; p.sample_fraction = 0.1f;
        flann_index_t tuned = flann_build_index(data, ROWS, WIDTH, &speedup, &p);
        flann_find_nearest_neighbors_index(tuned, queries, QUERIES, found, dists, K, &p);
        printf("FLANN autotuner, target precision 0.9: algorithm %d (%s), %d trees, branching %d, "
               "%d checks, speedup over linear %.2f; recall@4 = %.3f\n",
               p.algorithm, p.algorithm == FLANN_INDEX_KDTREE ? "k-d forest"
                          : p.algorithm == FLANN_INDEX_KMEANS ? "k-means tree" : "other",
               p.trees, p.branching, p.checks, speedup, recall(found, truth));
        flann_free_index(tuned, &p);
    }
    free(data); free(queries); free(dists); free(truth); free(found);
    return 0;
}
