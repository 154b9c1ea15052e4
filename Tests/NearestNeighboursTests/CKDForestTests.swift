import CAllocationCounter
import CKDForest
import SAMNumerics
import Testing

/// CKDForest's search is FLANN's own best-bin-first search on reused buffers: on the same forest and
/// the same queries it returns exactly FLANN's ids and distances (`findNeighbors`, fresh heap and set),
/// before and after points are removed and added, and a steady-state search allocates nothing.
@Suite struct CKDForestTests {
    static let dimension = 33, checks: Int32 = 32, knn = 8

    /// `count x dimension` seeded points in [-1, 1).
    static func points(_ count: Int, seed: UInt64) -> UnsafeMutablePointer<Float> {
        var g = SeededGenerator(seed: seed)
        let p = UnsafeMutablePointer<Float>.allocate(capacity: count * dimension)
        for i in 0..<count * dimension { p[i] = g.uniform(Float(1)) }
        return p
    }

    /// The mismatches between CKDForest's search and FLANN's over `queries` seeded queries.
    static func mismatches(_ forest: OpaquePointer, queries: Int, seed: UInt64) -> Int {
        let q = points(queries, seed: seed)
        defer { q.deallocate() }
        var ids = [Int32](repeating: 0, count: knn), flannIDs = ids
        var d = [Float](repeating: 0, count: knn), flannD = d
        var bad = 0
        for j in 0..<queries {
            let n = ckdforest_float_search(forest, q + j * dimension, knn, checks, &ids, &d)
            let m = ckdforest_float_search_flann(forest, q + j * dimension, knn, checks, &flannIDs, &flannD)
            if n != m || n < 1 || ids != flannIDs || d != flannD { bad += 1 }
        }
        return bad
    }

    @Test(arguments: [64, 700, 4096])
    func searchIsFLANNs(rows: Int) throws {
        let data = Self.points(rows, seed: UInt64(rows))
        let extra = Self.points(rows / 4, seed: UInt64(rows) + 1)
        defer { data.deallocate(); extra.deallocate() }
        let forest = try #require(ckdforest_float_build(data, rows, Self.dimension, 4, 7))
        defer { ckdforest_float_free(forest) }
        #expect(Self.mismatches(forest, queries: 40, seed: 11) == 0)
        // Remove every third point and add rows / 4 new ones (ids continue after the built ones).
        for id in stride(from: 0, to: rows, by: 3) { #expect(ckdforest_float_remove(forest, id) == 0) }
        for j in 0..<rows / 4 {
            #expect(ckdforest_float_add(forest, extra + j * Self.dimension) == rows + j)
        }
        #expect(Self.mismatches(forest, queries: 40, seed: 12) == 0)
        // The search really prunes at this size (fewer leaves than points per query), at 4096 at least.
        let before = ckdforest_float_leaves_checked(forest)
        _ = Self.mismatches(forest, queries: 1, seed: 13)
        let leaves = ckdforest_float_leaves_checked(forest) - before
        #expect(rows < 16 * Int(Self.checks) || leaves < rows / 2, "\(leaves) leaves for \(rows) points")
    }

    /// One seed, one forest: two forests built from the same seed over the same points answer every
    /// query alike, ids, distances and leaves checked (Debian's FLANN shuffles from std::random_device;
    /// `Forest::buildIndexImpl` shuffles from the seed). A different seed gives a different forest,
    /// so the comparison can tell forests apart.
    @Test func theSeedDecidesTheForest() throws {
        let rows = 2048
        let data = Self.points(rows, seed: 21), q = Self.points(60, seed: 22)
        defer { data.deallocate(); q.deallocate() }
        func answers(seed: Int) throws -> [Int32] {
            let forest = try #require(ckdforest_float_build(data, rows, Self.dimension, 4, seed))
            defer { ckdforest_float_free(forest) }
            var all: [Int32] = [], ids = [Int32](repeating: 0, count: Self.knn), d = [Float](repeating: 0, count: Self.knn)
            for j in 0..<60 {
                _ = ckdforest_float_search(forest, q + j * Self.dimension, Self.knn, Self.checks, &ids, &d)
                all += ids + d.map { Int32(bitPattern: $0.bitPattern) }
            }
            return all + [Int32(ckdforest_float_leaves_checked(forest))]
        }
        let first = try answers(seed: 5)
        #expect(try answers(seed: 5) == first)
        #expect(try answers(seed: 6) != first)
    }

    @Test func steadyStateSearchAllocatesNothing() throws {
        let rows = 4096
        let data = Self.points(rows, seed: 3), q = Self.points(20, seed: 4)
        defer { data.deallocate(); q.deallocate() }
        let forest = try #require(ckdforest_float_build(data, rows, Self.dimension, 4, 7))
        defer { ckdforest_float_free(forest) }
        var ids = [Int32](repeating: 0, count: Self.knn), d = [Float](repeating: 0, count: Self.knn)
        for j in 0..<10 { _ = ckdforest_float_search(forest, q + j * Self.dimension, Self.knn, Self.checks, &ids, &d) }
        allocation_counter_start_thread()
        for j in 10..<20 { _ = ckdforest_float_search(forest, q + j * Self.dimension, Self.knn, Self.checks, &ids, &d) }
        let counted = allocation_counter_stop_thread()
        #expect(counted == 0, "\(counted) allocations in 10 searches")
    }

    /// The result set is one per thread, not one per forest: the forest a rebuild makes (a new handle)
    /// allocates nothing at its first search, so no allocation waits for the step after a rebuild.
    @Test func aRebuiltForestsFirstSearchAllocatesNothing() throws {
        let rows = 512
        let data = Self.points(rows, seed: 8), q = Self.points(2, seed: 9)
        defer { data.deallocate(); q.deallocate() }
        var ids = [Int32](repeating: 0, count: Self.knn), d = [Float](repeating: 0, count: Self.knn)
        let first = try #require(ckdforest_float_build(data, rows, Self.dimension, 4, 7))
        _ = ckdforest_float_search(first, q, Self.knn, Self.checks, &ids, &d)
        ckdforest_float_free(first)
        let rebuilt = try #require(ckdforest_float_build(data, rows, Self.dimension, 4, 7))
        defer { ckdforest_float_free(rebuilt) }
        allocation_counter_start_thread()
        _ = ckdforest_float_search(rebuilt, q + Self.dimension, Self.knn, Self.checks, &ids, &d)
        let counted = allocation_counter_stop_thread()
        #expect(counted == 0, "\(counted) allocations in the rebuilt forest's first search")
    }

    /// Removals and adds up to the wrapper's rebuild point (as many adds as built points) make no heap
    /// allocation: the build reserves FLANN's point, id and removed-point tables and gives its node
    /// pool room for every node those adds split off (FLANN's own pool mallocs an 8 KiB block each
    /// time one fills). Searches after them are still FLANN's own.
    @Test func addsUntilTheRebuildAllocateNothing() throws {
        let rows = 1024
        let data = Self.points(rows, seed: 5), extra = Self.points(rows - 1, seed: 6)
        defer { data.deallocate(); extra.deallocate() }
        let forest = try #require(ckdforest_float_build(data, rows, Self.dimension, 4, 7))
        defer { ckdforest_float_free(forest) }
        var failed = 0
        allocation_counter_start_thread()
        for j in 0..<rows - 1 {
            if ckdforest_float_remove(forest, j) != 0 { failed += 1 }
            if ckdforest_float_add(forest, extra + j * Self.dimension) != rows + j { failed += 1 }
        }
        let counted = allocation_counter_stop_thread()
        #expect(failed == 0)
        #expect(counted == 0, "\(counted) allocations in \(rows - 1) removals and adds")
        #expect(Self.mismatches(forest, queries: 40, seed: 14) == 0)
    }

    /// A removal splices the point's leaf out of each tree and an add reuses the freed nodes, so a
    /// steady state of replacements takes no new tree nodes (FLANN's own removal only marks the point
    /// and every add took 2 nodes per tree, 256 B per point here, until a rebuild). The spliced trees
    /// stay whole: every live point, searched with a single check, is found as its own nearest
    /// neighbour at distance 0 (the first leaf its descent reaches), and the search is still FLANN's.
    @Test func removalsFreeTheNodesThatAddsTake() throws {
        let rows = 2048, replaced = 1500
        let data = Self.points(rows, seed: 31), extra = Self.points(replaced, seed: 32)
        defer { data.deallocate(); extra.deallocate() }
        let forest = try #require(ckdforest_float_build(data, rows, Self.dimension, 4, 7))
        defer { ckdforest_float_free(forest) }
        let built = ckdforest_float_used_memory(forest)
        var failed = 0
        for j in 0..<replaced {
            if ckdforest_float_remove(forest, j) != 0 { failed += 1 }
            if ckdforest_float_add(forest, extra + j * Self.dimension) != rows + j { failed += 1 }
        }
        #expect(failed == 0)
        // Random coordinates never tie with a split value: every leaf is found, in every tree.
        #expect(ckdforest_float_spliced_leaves(forest) == 4 * replaced)
        // FLANN's usedMemory is its pool's bytes plus 4 B per point index: only the latter grows.
        let growth = ckdforest_float_used_memory(forest) - built
        #expect(growth < 16 * replaced, "\(growth) B for \(replaced) replacements")
        var ids = [Int32](repeating: 0, count: 1), d = [Float](repeating: 0, count: 1), lost = 0
        for id in replaced..<rows + replaced {
            let point = id < rows ? data + id * Self.dimension : extra + (id - rows) * Self.dimension
            let n = ckdforest_float_search(forest, point, 1, 1, &ids, &d)
            if n != 1 || ids[0] != Int32(id) || d[0] != 0 { lost += 1 }
        }
        #expect(lost == 0, "\(lost) live points not found at their own leaf")
        #expect(Self.mismatches(forest, queries: 40, seed: 33) == 0)
    }

    /// Identical points (SAM's M_0 = 0 makes them: a write spread evenly over tied zero rows) are
    /// spliced out too: `addPointToTree` splits two equal points at their common value with the older
    /// one on the left, where the descent rule alone does not look, so `remove` follows both children
    /// on a tie. Before it did, none of these leaves was spliced and each stayed in the trees, marked
    /// removed, for searches to cross until the next rebuild. Over rounds of adding copies of one point
    /// and removing them, every copy's leaf leaves every tree again, and the search is still FLANN's.
    @Test func identicalPointsAreSplicedOutToo() throws {
        let rows = 512, copies = 8, rounds = 40
        let data = Self.points(rows, seed: 41), copy = Self.points(1, seed: 42)
        defer { data.deallocate(); copy.deallocate() }
        let forest = try #require(ckdforest_float_build(data, rows, Self.dimension, 4, 7))
        defer { ckdforest_float_free(forest) }
        var failed = 0, next = rows
        for _ in 0..<rounds {
            for _ in 0..<copies where ckdforest_float_add(forest, copy) < 0 { failed += 1 }
            for id in next..<next + copies where ckdforest_float_remove(forest, id) != 0 { failed += 1 }
            next += copies
        }
        #expect(failed == 0)
        #expect(ckdforest_float_spliced_leaves(forest) == 4 * copies * rounds)
        #expect(Self.mismatches(forest, queries: 40, seed: 43) == 0)
    }
}
