#ifndef CHNSW_H
#define CHNSW_H
/// A C interface to hnswlib's HierarchicalNSW<float> over the inner-product space (Debian's
/// libhnswlib-dev, header-only C++). Distances are `1 - a·b`; labels are caller-chosen numbers.
/// No C++ exception crosses this interface: every failing call returns NULL or a negative number.
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// An opaque hnswlib index with its space.
typedef struct chnsw_index chnsw_index;

/// A graph for up to `capacity` points of `dimension` floats, `m` links per node (2m on layer 0),
/// `ef_construction` candidates while inserting, levels drawn from `seed`. NULL on failure.
chnsw_index *chnsw_create(size_t dimension, size_t capacity, size_t m, size_t ef_construction, size_t seed);
/// Inserts a new point with `label` (hnswlib `addPoint`). 0 on success, -1 on failure.
int chnsw_add(chnsw_index *index, const float *point, size_t label);
/// Replaces the vector of the point with `label` in place (hnswlib `updatePoint`, the path its
/// `addPoint` takes for an existing label; it clears a delete mark). Each of the point's neighbours
/// has its links re-chosen with probability `neighbour_probability` (hnswlib's addPoint uses 1).
/// 0 on success, -1 if the label is unknown or hnswlib fails.
int chnsw_replace(chnsw_index *index, const float *point, size_t label, float neighbour_probability);
/// Marks the point with `label` deleted: searches skip it (hnswlib `markDelete`). 0 on success.
int chnsw_mark_deleted(chnsw_index *index, size_t label);
/// Candidates kept while searching (hnswlib `setEf`); a search keeps at least k.
void chnsw_set_ef(chnsw_index *index, size_t ef);
/// The up to `k` nearest live points to `query`, nearest first, into `labels` and `distances`
/// (k entries each). Returns how many were written, or -1 on failure.
long chnsw_search(chnsw_index *index, const float *query, size_t k, size_t *labels, float *distances);
/// Distances hnswlib's searches have evaluated since creation (its own metric).
long chnsw_search_distances(const chnsw_index *index);
/// Bytes the graph holds: level-0 block, upper-level link lists, locks, visited lists, label map.
size_t chnsw_bytes(const chnsw_index *index);
/// Frees the index (NULL is allowed).
void chnsw_free(chnsw_index *index);

#ifdef __cplusplus
}
#endif
#endif
