// The C interface of CKDForest.h: FLANN's k-d forest with its best-bin-first search run on buffers
// kept between queries. The search below is FLANN 1.9's `KDTreeIndex::getNeighbors` and
// `searchLevel` (flann/algorithms/kdtree_index.h) step for step; only where the branch heap and the
// "checked" set live differs. `ckdforest_*_search_flann` runs FLANN's own code for the tests.
#include "CKDForest.h"
#include <flann/flann.hpp>
#include <algorithm>
#include <climits>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>
#include <vector>

namespace {

// `tree_roots_` is private in KDTreeIndex; an explicit instantiation may name it ([temp.spec]/6),
// and the friend function hands back the member pointer.
template <class Tag, auto Member> struct Expose { friend constexpr auto member(Tag) { return Member; } };
template <class Index> struct TreeRoots { friend constexpr auto member(TreeRoots); };
template struct Expose<TreeRoots<flann::KDTreeIndex<flann::L2<float>>>, &flann::KDTreeIndex<flann::L2<float>>::tree_roots_>;
template struct Expose<TreeRoots<flann::KDTreeIndex<flann::L2<double>>>, &flann::KDTreeIndex<flann::L2<double>>::tree_roots_>;
// The same for the private members FLANN's build uses, so that `Forest::buildIndexImpl` can be
// FLANN's with a seeded shuffle (Debian's FLANN 1.9.2 seeds it from std::random_device).
template <class Index> struct MeanOf { friend constexpr auto member(MeanOf); };
template <class Index> struct VarianceOf { friend constexpr auto member(VarianceOf); };
template <class Index> struct TreesOf { friend constexpr auto member(TreesOf); };
template <class Index> struct DivideTree { friend constexpr auto member(DivideTree); };
#define CKDFOREST_EXPOSE_BUILD(T)                                                                     \
template struct Expose<MeanOf<flann::KDTreeIndex<flann::L2<T>>>, &flann::KDTreeIndex<flann::L2<T>>::mean_>; \
template struct Expose<VarianceOf<flann::KDTreeIndex<flann::L2<T>>>, &flann::KDTreeIndex<flann::L2<T>>::var_>; \
template struct Expose<TreesOf<flann::KDTreeIndex<flann::L2<T>>>, &flann::KDTreeIndex<flann::L2<T>>::trees_>; \
template struct Expose<DivideTree<flann::KDTreeIndex<flann::L2<T>>>, &flann::KDTreeIndex<flann::L2<T>>::divideTree>;
CKDFOREST_EXPOSE_BUILD(float)
CKDFOREST_EXPOSE_BUILD(double)

// As for tree_roots_: the forest's node pool `pool_` and the pool's current block (`base`, `loc`, `remaining`).
template <class Index> struct NodePool { friend constexpr auto member(NodePool); };
template struct Expose<NodePool<flann::KDTreeIndex<flann::L2<float>>>, &flann::KDTreeIndex<flann::L2<float>>::pool_>;
template struct Expose<NodePool<flann::KDTreeIndex<flann::L2<double>>>, &flann::KDTreeIndex<flann::L2<double>>::pool_>;
struct PoolBase { friend constexpr auto member(PoolBase); };
struct PoolLocation { friend constexpr auto member(PoolLocation); };
struct PoolRemaining { friend constexpr auto member(PoolRemaining); };
template struct Expose<PoolBase, &flann::PooledAllocator::base>;
template struct Expose<PoolLocation, &flann::PooledAllocator::loc>;
template struct Expose<PoolRemaining, &flann::PooledAllocator::remaining>;

template <class T> class Forest : public flann::KDTreeIndex<flann::L2<T>> {
    using Base = flann::KDTreeIndex<flann::L2<T>>;
    using Nn = flann::NNIndex<flann::L2<T>>; // its protected members (KDTreeIndex re-declares them private)
    using D = typename flann::L2<T>::ResultType;
    using NodePtr = typename std::remove_reference_t<decltype(std::declval<Base &>().*member(TreeRoots<Base>{}))>::value_type;
    using Branch = flann::BranchStruct<NodePtr, D>;
    /// FLANN's `Heap<BranchSt>::CompareT`: a min-heap on `mindist` through std::push_heap / pop_heap.
    struct Later { bool operator()(const Branch &a, const Branch &b) const { return b < a; } };

    std::vector<Branch> heap;           // FLANN's branch heap, capped at size_ entries as FLANN's is
    std::vector<unsigned char> checked; // FLANN's DynamicBitset `checked`, one byte per point
    std::vector<size_t> marked;         // the points `checked` marked in this query

    unsigned int seed; // of every build's shuffles (`buildIndexImpl`)

    /// FLANN's `tree_roots_`, one root per tree.
    std::vector<NodePtr> &roots() { return static_cast<Base &>(*this).*member(TreeRoots<Base>{}); }
    std::vector<NodePtr> freeNodes; // nodes `remove` spliced out of the trees, reused by `insert`

    /// A node for `insert`: a spliced-out one if any, else FLANN's pool's (as `addPointToTree` takes).
    NodePtr newNode() {
        if (freeNodes.empty()) return new (static_cast<Base &>(*this).*member(NodePool<Base>{})) std::remove_pointer_t<NodePtr>();
        NodePtr node = freeNodes.back();
        freeNodes.pop_back();
        node->child1 = node->child2 = NULL;
        return node;
    }

    /// FLANN 1.9's `KDTreeIndex::addPointToTree`, iterative, with nodes from `newNode`.
    void insert(NodePtr node, int ind) {
        T *point = this->Nn::points_[ind];
        while (node->child1 != NULL || node->child2 != NULL)
            node = point[node->divfeat] < node->divval ? node->child1 : node->child2;
        T *leafPoint = node->point;
        T maxSpan = 0;
        size_t divFeat = 0;
        for (size_t i = 0; i < this->Nn::veclen_; ++i) {
            T span = std::abs(point[i] - leafPoint[i]);
            if (span > maxSpan) { maxSpan = span; divFeat = i; }
        }
        NodePtr left = newNode(), right = newNode();
        if (point[divFeat] < leafPoint[divFeat]) {
            left->divfeat = ind; left->point = point;
            right->divfeat = node->divfeat; right->point = node->point;
        } else {
            left->divfeat = node->divfeat; left->point = node->point;
            right->divfeat = ind; right->point = point;
        }
        node->divfeat = int(divFeat);
        node->divval = (point[divFeat] + leafPoint[divFeat]) / 2;
        node->child1 = left;
        node->child2 = right;
    }

protected:
    /// FLANN 1.9's `KDTreeIndex::buildIndexImpl` step for step, except that each tree's shuffle of
    /// the point order (FLANN's "unbiased sampling" of the first points for the split's mean and
    /// variance) draws from a std::mt19937 seeded with `seed` instead of std::random_device. So one
    /// seed gives one forest, in every process: the split dimensions already come from std::rand,
    /// which `flann::seed_random` seeds.
    void buildIndexImpl() override {
        std::vector<int> ind(this->Nn::size_);
        for (size_t i = 0; i < this->Nn::size_; ++i) ind[i] = int(i);
        auto &mean = this->*member(MeanOf<Base>{}), &variance = this->*member(VarianceOf<Base>{});
        auto &roots = this->roots();
        const int trees = this->*member(TreesOf<Base>{});
        mean = new D[this->Nn::veclen_];
        variance = new D[this->Nn::veclen_];
        roots.resize(trees);
        std::mt19937 generator(seed);
        for (int i = 0; i < trees; i++) {
            std::shuffle(ind.begin(), ind.end(), generator);
            roots[i] = (this->*member(DivideTree<Base>{}))(ind.data(), int(this->Nn::size_));
        }
        delete[] mean;
        delete[] variance;
        mean = nullptr;
        variance = nullptr;
    }

public:
    long leavesChecked = 0;

    Forest(T *points, size_t rows, size_t cols, int trees, unsigned int seed)
        : Base(flann::Matrix<T>(points, rows, cols), flann::KDTreeIndexParams(trees)), seed(seed) {}

    /// Builds the trees and reserves every buffer for up to 2 x rows points (the wrapper rebuilds
    /// before that many are added), so neither search nor a steady-state add grows a vector or
    /// mallocs a node-pool block. FLANN's removed-points bitset, sized at the first removal, gets its
    /// capacity here too (its bits are only read once a point was removed).
    void build() {
        this->buildIndex();
        size_t capacity = 2 * this->Nn::size_ + 1;
        this->Nn::points_.reserve(capacity);
        this->Nn::ids_.reserve(capacity);
        this->Nn::removed_points_.resize(capacity);
        this->Nn::removed_points_.resize(this->Nn::size_);
        checked.assign(capacity, 0);
        checked.resize(this->Nn::size_);
        marked.reserve(capacity);
        heap.reserve(4096);
        freeNodes.reserve(2 * roots().size() * 4096);
        reserveNodes(this->Nn::size_);
    }

    /// Gives FLANN's node pool one block with room for the nodes `points` adds take: `addPointToTree`
    /// splits a leaf into two new nodes in each tree. Without it the pool mallocs an 8 KiB block
    /// (FLANN's BLOCKSIZE) whenever one fills. The block joins the pool's chain as FLANN's own do (its
    /// first word points at the previous block; the pool frees it), and the rest of the current block
    /// is counted as wasted, as FLANN counts it when it moves to a new block. Where nodes live does not
    /// change the trees or any search. The pool's `remaining` is an int: capped below 2 GiB.
    void reserveNodes(size_t points) {
        using Node = std::remove_pointer_t<NodePtr>;
        auto &pool = static_cast<Base &>(*this).*member(NodePool<Base>{});
        const size_t trees = roots().size();
        const size_t node = (sizeof(Node) + flann::WORDSIZE - 1) & ~(flann::WORDSIZE - 1); // FLANN's rounding
        const size_t limit = (size_t(INT_MAX) - sizeof(void *)) / node * node;
        const size_t bytes = std::min(points * 2 * trees * node, limit);
        int &remaining = pool.*member(PoolRemaining{});
        if (bytes <= size_t(remaining)) return;
        void *block = ::malloc(bytes + sizeof(void *));
        if (block == nullptr) return; // FLANN's own blocks then
        pool.wastedMemory += remaining;
        static_cast<void **>(block)[0] = pool.*member(PoolBase{});
        pool.*member(PoolBase{}) = block;
        pool.*member(PoolLocation{}) = static_cast<char *>(block) + sizeof(void *);
        remaining = int(bytes);
    }

    /// FLANN's `addPoints` for one point with its rebuild disabled (threshold 0: rebuilds are the
    /// wrapper's), and `addPointToTree` in each tree, except that the two nodes a leaf's split needs
    /// come from `freeNodes` (what `remove` spliced out) before FLANN's pool. The trees are the ones
    /// FLANN's own add would grow from the same trees.
    long add(T *point) {
        const size_t index = this->Nn::size_;
        this->Nn::extendDataset(flann::Matrix<T>(point, 1, this->Nn::veclen_));
        for (NodePtr root : roots()) insert(root, int(index));
        checked.resize(this->Nn::size_, 0);
        return long(this->Nn::removed_ ? this->Nn::ids_[this->Nn::size_ - 1] : this->Nn::size_ - 1);
    }

    /// FLANN's `removePoint` (the point is marked removed; its index and id stay), then, in each tree,
    /// the point's leaf is spliced out: the leaf's parent is replaced by the leaf's sibling, and the
    /// leaf and its parent go to `freeNodes` for the next adds. So a steady state of removals and adds
    /// takes no new nodes: without this, every add took 2 nodes per tree from a pool that only a
    /// rebuild empties (24 KB per SAM step at N = 2^20, reports/step-profile.md). The leaf is found by
    /// descending with the point's own coordinates (still intact: the wrapper removes before it
    /// rewrites the row), the rule by which `addPointToTree` placed it, and down both children where
    /// the coordinate equals the split value: `planeSplit` may put such ties on either side at build,
    /// and `addPointToTree` splits two identical points at their common value with the older one on
    /// the left, where the descent rule would not look. Identical points are common when every row
    /// starts at zero (SAM's M_0 = 0: a write spread evenly over tied zero rows makes them equal);
    /// before ties were followed, each of their leaves stayed in the trees, marked removed, until the
    /// next rebuild, and at N = 2^20 (a rebuild per 2^20 adds) a search crossed thousands of them.
    /// Only a tree's last leaf is never spliced (a tree keeps a root). Searches skip removed leaves,
    /// so a spliced tree answers as FLANN's would with the leaf left in place, except that the leaf's
    /// split no longer adds a branch.
    void remove(size_t id) {
        this->removePoint(id);
        const size_t index = this->Nn::id_to_index(id);
        if (index == size_t(-1) || index >= this->Nn::size_) return;
        const T *p = this->Nn::points_[index];
        for (NodePtr &root : roots())
            if (splice(&root, nullptr, p, int(index))) splicedLeaves++;
    }

    /// Splices the leaf of point `index` (coordinates `p`) out of the subtree at `*link` (whose parent
    /// node's link is `parentLink`, null at a root); false if it is not there or is the tree's only leaf.
    bool splice(NodePtr *link, NodePtr *parentLink, const T *p, int index) {
        NodePtr node = *link;
        if (node->child1 == NULL && node->child2 == NULL) {
            if (node->divfeat != index || parentLink == nullptr) return false;
            NodePtr parent = *parentLink;
            *parentLink = parent->child1 == node ? parent->child2 : parent->child1;
            parent->child1 = parent->child2 = NULL;
            freeNodes.push_back(parent);
            freeNodes.push_back(node);
            return true;
        }
        const T value = p[node->divfeat];
        if (value < node->divval) return splice(&node->child1, link, p, index);
        if (value > node->divval) return splice(&node->child2, link, p, index);
        return splice(&node->child2, link, p, index) || splice(&node->child1, link, p, index);
    }

    /// Leaves spliced out by `remove` since the build (`ckdforest_*_spliced_leaves`, for the tests).
    long splicedLeaves = 0;

    /// FLANN's result set for knn <= 250, cleared. One per thread and knn, not one per forest: the
    /// forest a rebuild makes then allocates none at its first search (a search fills it and copies
    /// it out before it returns, so forests on one thread can share it).
    static flann::KNNSimpleResultSet<D> &resultSet(size_t knn) {
        thread_local std::unique_ptr<flann::KNNSimpleResultSet<D>> result;
        thread_local size_t resultCapacity = 0;
        if (!result || resultCapacity != knn) { result.reset(new flann::KNNSimpleResultSet<D>(knn)); resultCapacity = knn; }
        result->clear();
        return *result;
    }

    /// Copies the result out as FLANN's knnSearch does (sorted, internal indices mapped to ids).
    long finish(flann::KNNSimpleResultSet<D> &result, size_t knn, int *ids, T *distances) {
        size_t n = std::min(result.size(), knn);
        size_t indices[256];
        D dists[256];
        result.copy(indices, dists, n, true);
        this->Nn::indices_to_ids(indices, indices, n);
        for (size_t j = 0; j < knn; ++j) {
            ids[j] = j < n ? int(indices[j]) : -1;
            distances[j] = j < n ? T(dists[j]) : T(0);
        }
        return long(n);
    }

    long searchFLANN(const T *query, size_t knn, int checks, int *ids, T *distances) {
        auto &set = resultSet(knn);
        this->findNeighbors(set, query, flann::SearchParams(checks, 0, true));
        return finish(set, knn, ids, distances);
    }

    long search(const T *query, size_t knn, int checks, int *ids, T *distances) {
        auto &set = resultSet(knn);
        if (this->Nn::removed_) neighbours<true>(set, query, checks); else neighbours<false>(set, query, checks);
        return finish(set, knn, ids, distances);
    }

private:
    /// FLANN's `getNeighbors` with epsError = 1 + eps = 1.
    template <bool withRemoved> void neighbours(flann::ResultSet<D> &set, const T *vec, int maxCheck) {
        const auto &roots = this->roots();
        int checkCount = 0;
        heap.clear();
        for (size_t i = 0; i < roots.size(); ++i) level<withRemoved>(set, vec, roots[i], 0, checkCount, maxCheck);
        Branch branch;
        while (!heap.empty() && (checkCount < maxCheck || !set.full())) {
            branch = heap.front();
            std::pop_heap(heap.begin(), heap.end(), Later());
            heap.pop_back();
            level<withRemoved>(set, vec, branch.node, branch.mindist, checkCount, maxCheck);
        }
        for (size_t index : marked) checked[index] = 0;
        marked.clear();
        leavesChecked += checkCount;
    }

    /// FLANN's `searchLevel`, recursion and all.
    template <bool withRemoved>
    void level(flann::ResultSet<D> &set, const T *vec, NodePtr node, D mindist, int &checkCount, int maxCheck) {
        if (set.worstDist() < mindist) return;
        if (node->child1 == NULL && node->child2 == NULL) {
            int index = node->divfeat;
            if (withRemoved && this->Nn::removed_points_.test(index)) return;
            if (checked[index] || (checkCount >= maxCheck && set.full())) return;
            checked[index] = 1;
            marked.push_back(size_t(index));
            checkCount++;
            set.addPoint(this->Nn::distance_(node->point, vec, this->Nn::veclen_), index);
            return;
        }
        T val = vec[node->divfeat];
        D diff = val - node->divval;
        NodePtr bestChild = diff < 0 ? node->child1 : node->child2;
        NodePtr otherChild = diff < 0 ? node->child2 : node->child1;
        const float epsError = 1 + 0.0f; // FLANN's 1 + eps, eps = 0
        D newDistance = mindist + this->Nn::distance_.accum_dist(val, node->divval, node->divfeat);
        if (newDistance * epsError < set.worstDist() || !set.full()) {
            if (heap.size() < this->Nn::size_) { // FLANN's Heap drops an insert once it holds size_ entries
                heap.push_back(Branch(otherChild, newDistance));
                std::push_heap(heap.begin(), heap.end(), Later());
            }
        }
        level<withRemoved>(set, vec, bestChild, mindist, checkCount, maxCheck);
    }
};

} // namespace

// FLANN draws each split dimension from std::rand, one state for the whole process: builds hold this
// lock from `flann::seed_random` to the last split, so that forests built on other threads at the same
// time (tests run in parallel) cannot draw from the seeded sequence in between.
static std::mutex buildLock;

#define CKDFOREST_DEFINE(T)                                                                          \
struct ckdforest_##T { Forest<T> forest; ckdforest_##T(T *p, size_t r, size_t c, int t, unsigned s) : forest(p, r, c, t, s) {} }; \
extern "C" ckdforest_##T *ckdforest_##T##_build(T *points, size_t rows, size_t cols, int trees, long seed) { \
    try {                                                                                            \
        std::lock_guard<std::mutex> lock(buildLock);                                                 \
        if (seed > 0) flann::seed_random((unsigned int)seed);                                        \
        auto *f = new ckdforest_##T(points, rows, cols, trees, (unsigned int)seed);                  \
        f->forest.build();                                                                           \
        return f;                                                                                    \
    } catch (...) { return nullptr; }                                                                \
}                                                                                                    \
extern "C" long ckdforest_##T##_add(ckdforest_##T *f, T *point) {                                    \
    try { return f->forest.add(point); } catch (...) { return -1; }                                  \
}                                                                                                    \
extern "C" int ckdforest_##T##_remove(ckdforest_##T *f, size_t id) {                                 \
    try { f->forest.remove(id); return 0; } catch (...) { return -1; }                               \
}                                                                                                    \
extern "C" T *ckdforest_##T##_point(ckdforest_##T *f, size_t id) { return f->forest.getPoint(id); }  \
extern "C" long ckdforest_##T##_search(ckdforest_##T *f, const T *q, size_t knn, int checks, int *ids, T *d) { \
    if (knn == 0 || knn > KNN_HEAP_THRESHOLD) return -1;                                                            \
    try { return f->forest.search(q, knn, checks, ids, d); } catch (...) { return -1; }              \
}                                                                                                    \
extern "C" long ckdforest_##T##_search_flann(ckdforest_##T *f, const T *q, size_t knn, int checks, int *ids, T *d) { \
    if (knn == 0 || knn > KNN_HEAP_THRESHOLD) return -1;                                                            \
    try { return f->forest.searchFLANN(q, knn, checks, ids, d); } catch (...) { return -1; }         \
}                                                                                                    \
extern "C" long ckdforest_##T##_leaves_checked(const ckdforest_##T *f) { return f->forest.leavesChecked; } \
extern "C" long ckdforest_##T##_spliced_leaves(const ckdforest_##T *f) { return f->forest.splicedLeaves; } \
extern "C" size_t ckdforest_##T##_used_memory(const ckdforest_##T *f) { return size_t(f->forest.usedMemory()); } \
extern "C" void ckdforest_##T##_free(ckdforest_##T *f) { delete f; }

CKDFOREST_DEFINE(float)
CKDFOREST_DEFINE(double)
