// The C interface of CHNSW.h over hnswlib 0.6 (header-only, /usr/include/hnswlib).
#include "CHNSW.h"
#include <hnswlib/hnswlib.h>
#include <mutex>
#include <vector>

struct chnsw_index {
    hnswlib::InnerProductSpace space;
    hnswlib::HierarchicalNSW<float> graph;
    chnsw_index(size_t dimension, size_t capacity, size_t m, size_t efc, size_t seed)
        : space(dimension), graph(&space, capacity, m, efc, seed) {}
};

extern "C" chnsw_index *chnsw_create(size_t dimension, size_t capacity, size_t m, size_t ef_construction, size_t seed) {
    try {
        auto *index = new chnsw_index(dimension, capacity, m, ef_construction, seed);
        index->graph.metric_distance_computations = 0;
        index->graph.metric_hops = 0;
        return index;
    } catch (...) {
        return nullptr;
    }
}

extern "C" int chnsw_add(chnsw_index *index, const float *point, size_t label) {
    try {
        if (index->graph.label_lookup_.count(label)) return -1;
        index->graph.addPoint(point, label);
        return 0;
    } catch (...) {
        return -1;
    }
}

extern "C" int chnsw_replace(chnsw_index *index, const float *point, size_t label, float neighbour_probability) {
    try {
        auto found = index->graph.label_lookup_.find(label);
        if (found == index->graph.label_lookup_.end()) return -1;
        hnswlib::tableint id = found->second;
        if (index->graph.isMarkedDeleted(id)) index->graph.unmarkDeletedInternal(id);
        index->graph.updatePoint(point, id, neighbour_probability);
        return 0;
    } catch (...) {
        return -1;
    }
}

extern "C" int chnsw_mark_deleted(chnsw_index *index, size_t label) {
    try {
        index->graph.markDelete(label);
        return 0;
    } catch (...) {
        return -1;
    }
}

extern "C" void chnsw_set_ef(chnsw_index *index, size_t ef) { index->graph.setEf(ef); }

extern "C" long chnsw_search(chnsw_index *index, const float *query, size_t k, size_t *labels, float *distances) {
    try {
        auto found = index->graph.searchKnn(query, k);
        long count = (long)found.size();
        // The queue's top is the farthest: fill from the back so the nearest comes first.
        for (long j = count - 1; j >= 0; j--) {
            labels[j] = found.top().second;
            distances[j] = found.top().first;
            found.pop();
        }
        return count;
    } catch (...) {
        return -1;
    }
}

extern "C" long chnsw_search_distances(const chnsw_index *index) {
    return index->graph.metric_distance_computations.load();
}

extern "C" size_t chnsw_bytes(const chnsw_index *index) {
    const auto &g = index->graph;
    size_t bytes = g.max_elements_ * g.size_data_per_element_ + g.max_elements_ * sizeof(void *)
        + g.max_elements_ * (sizeof(int) + sizeof(std::mutex) + sizeof(hnswlib::vl_type))
        + g.label_lookup_.size() * (sizeof(hnswlib::labeltype) + sizeof(hnswlib::tableint) + 2 * sizeof(void *));
    for (size_t i = 0; i < g.cur_element_count; i++) {
        if (g.element_levels_[i] > 0) bytes += g.size_links_per_element_ * g.element_levels_[i] + 1;
    }
    return bytes;
}

extern "C" void chnsw_free(chnsw_index *index) { delete index; }
