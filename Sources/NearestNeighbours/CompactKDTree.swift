import SAMNumerics

/// The augmented unit point `m̃(i) = [M(i) / ‖M(i)‖_ε ; sqrt(ε) / ‖M(i)‖_ε]` of each row, read
/// coordinate by coordinate from the memory and the stored stabilised norms (no normalised copy).
/// `writeAugmentedUnitPoint` writes the same point; `coordinate` recomputes one entry of it.
struct AugmentedRows<Scalar: ModelScalar> {
    let memory: MemoryMatrix<Scalar>
    let norms: UnsafePointer<Scalar>
    let sqrtEpsilon: Scalar
    /// W + 1.
    var dimensions: Int { memory.width + 1 }

    @inline(__always)
    func coordinate(_ row: Int, _ d: Int) -> Scalar {
        (d < memory.width ? memory.row(row)[d] : sqrtEpsilon) / norms[row]
    }
}

/// One randomised k-d tree of `CompactKDForestIndex` in flat arrays: nodes (split dimension, split
/// value, first-child index; ~12 B for Float), leaf buckets of at most `capacity` row numbers, and the
/// bucket of every row (`leafOf`), so a row is removed in O(capacity) and inserted in O(depth); and
/// each restored row's home node (`homeNode`), so an episode's reset puts a row back by walking only
/// the levels that splits added below that node since its last restore (none while its leaf has not
/// split; O(depth) for a row's first restore after a build, whose home node is the root).
///
/// **Build** (FLANN's `KDTreeIndex::divideTree`, with buckets): a node of more than `leafSize` rows
/// takes the mean and variance of each of the W + 1 coordinates over its first ≤ 100 rows, splits on
/// one of the 5 highest-variance coordinates chosen at random at the mean, and partitions by FLANN's
/// `planeSplit` rule (rows below the mean left; a balanced cut inside the run of equal values).
/// **Insert** descends by the row's coordinates (`< value` left) to a bucket; a full bucket is split
/// the same way into two, using a spare bucket and two spare nodes reserved at build time. When
/// the spares are used up `insert` returns false and the owner rebuilds. Nothing allocates after build.
struct CompactKDTree<Scalar: ModelScalar> {
    /// dimension ≥ 0: internal, children at `child` and `child + 1`; dimension < 0: leaf, `child` = bucket.
    struct Node {
        var value: Scalar
        var dimension: Int32
        var child: Int32
    }

    let leafSize: Int, capacity: Int
    private(set) var nodes: [Node] = []
    private(set) var nodeCount = 0
    /// `buckets x capacity` row numbers; `counts[b]` of bucket b's are used.
    private(set) var slots: [Int32] = []
    private(set) var counts: [Int32] = []
    private(set) var bucketCount = 0
    private(set) var leafOf: [Int32] = []
    /// Per row: a node on the path its point took when it was last `restore`d (-1: none since the
    /// build). Internal nodes never change between builds, so the row's restored point, the same as
    /// then, descends from there to the leaf a descent from the root reaches, without the levels above.
    private(set) var homeNode: [Int32] = []
    /// Largest depth of the build (root = 0), for sizing the search heap.
    private(set) var depth = 0
    private var rng: SeededGenerator
    private var mean: [Scalar] = [], variance: [Scalar] = []
    private var splitRows: [Int32] = []
    private var topDimensions = [Int](repeating: -1, count: 5)

    init(leafSize: Int, capacity: Int, seed: UInt64) {
        precondition(leafSize >= 1 && capacity > leafSize, "a bucket must hold more than leafSize rows")
        self.leafSize = leafSize
        self.capacity = capacity
        rng = SeededGenerator(seed: seed)
    }

    /// Builds the tree over all rows; `order` and `stack` are scratch kept by the caller.
    mutating func build(_ points: AugmentedRows<Scalar>, order: inout [Int32], stack: inout [(node: Int32, lo: Int32, hi: Int32, depth: Int32)]) {
        let n = points.memory.rows
        if mean.count != points.dimensions {
            mean = Array(repeating: 0, count: points.dimensions)
            variance = mean
        }
        if splitRows.count != capacity + 1 { splitRows = Array(repeating: 0, count: capacity + 1) }
        // Rebuilds reuse every buffer's capacity.
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: 0..<Int32(n))
        leafOf.removeAll(keepingCapacity: true)
        leafOf.append(contentsOf: repeatElement(-1, count: n))
        homeNode.removeAll(keepingCapacity: true)
        homeNode.append(contentsOf: repeatElement(-1, count: n))
        nodes.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
        nodes.append(Node(value: 0, dimension: -1, child: 0))
        depth = 0
        stack.removeAll(keepingCapacity: true)
        stack.append((0, 0, Int32(n), 0))
        while let (node, lo, hi, level) = stack.popLast() {
            depth = max(depth, Int(level))
            let count = Int(hi - lo)
            if count <= leafSize {
                let b = counts.count
                counts.append(Int32(count))
                nodes[Int(node)] = Node(value: 0, dimension: -1, child: Int32(b))
                for j in 0..<count { leafOf[Int(order[Int(lo) + j])] = Int32(b) }
                continue
            }
            let (d, value, cut) = order.withUnsafeMutableBufferPointer {
                split($0.baseAddress! + Int(lo), count: count, points)
            }
            let child = Int32(nodes.count)
            nodes[Int(node)] = Node(value: value, dimension: Int32(d), child: child)
            nodes.append(Node(value: 0, dimension: -1, child: 0))
            nodes.append(Node(value: 0, dimension: -1, child: 0))
            stack.append((child, lo, lo + Int32(cut), level + 1))
            stack.append((child + 1, lo + Int32(cut), hi, level + 1))
        }
        // Spares for bucket splits between rebuilds: a quarter more buckets, two nodes each.
        bucketCount = counts.count
        let spare = bucketCount / 4 + 8
        counts.append(contentsOf: repeatElement(0, count: spare))
        nodeCount = nodes.count
        nodes.append(contentsOf: repeatElement(Node(value: 0, dimension: -1, child: 0), count: 2 * spare))
        // Appending left up to half of the nodes' and counts' capacity unused: trim it once.
        if nodes.capacity > nodes.count + nodes.count / 8 { nodes = nodes.copiedExactly() }
        if counts.capacity > counts.count + counts.count / 8 { counts = counts.copiedExactly() }
        slots.removeAll(keepingCapacity: true)
        slots.append(contentsOf: repeatElement(-1, count: counts.count * capacity))
        for b in 0..<bucketCount { counts[b] = 0 }
        for row in 0..<n {
            let b = Int(leafOf[row])
            slots[b * capacity + Int(counts[b])] = Int32(row)
            counts[b] += 1
        }
    }

    /// Chooses a split of `count` rows at `rows` (FLANN's rule, see the type) and partitions them in
    /// place; returns the dimension, the value and the number of rows in the left part (1...count-1).
    private mutating func split(_ start: UnsafeMutablePointer<Int32>, count: Int, _ points: AugmentedRows<Scalar>)
        -> (dimension: Int, value: Scalar, cut: Int) {
        let rows = UnsafeMutableBufferPointer(start: start, count: count)
        let dims = points.dimensions, sample = min(count, 100)
        for d in 0..<dims { mean[d] = 0; variance[d] = 0 }
        for j in 0..<sample {
            for d in 0..<dims { mean[d] += points.coordinate(Int(rows[j]), d) }
        }
        for d in 0..<dims { mean[d] /= Scalar(sample) }
        for j in 0..<sample {
            for d in 0..<dims { let e = points.coordinate(Int(rows[j]), d) - mean[d]; variance[d] += e * e }
        }
        // One of the (up to) 5 highest-variance dimensions, at random.
        let choices = min(5, dims)
        for j in 0..<choices { topDimensions[j] = -1 }
        for d in 0..<dims {
            var at = choices - 1
            guard topDimensions[at] < 0 || variance[d] > variance[topDimensions[at]] else { continue }
            while at > 0, topDimensions[at - 1] < 0 || variance[d] > variance[topDimensions[at - 1]] {
                topDimensions[at] = topDimensions[at - 1]; at -= 1
            }
            topDimensions[at] = d
        }
        let d = topDimensions[Int(rng.next() % UInt64(choices))]
        let value = mean[d]
        // planeSplit: [< value | == value | > value], then a cut near the middle of the equal run.
        var left = 0, right = count - 1
        while true {
            while left <= right, points.coordinate(Int(rows[left]), d) < value { left += 1 }
            while left <= right, points.coordinate(Int(rows[right]), d) >= value { right -= 1 }
            if left > right { break }
            rows.swapAt(left, right); left += 1; right -= 1
        }
        let lim1 = left
        right = count - 1
        while true {
            while left <= right, points.coordinate(Int(rows[left]), d) <= value { left += 1 }
            while left <= right, points.coordinate(Int(rows[right]), d) > value { right -= 1 }
            if left > right { break }
            rows.swapAt(left, right); left += 1; right -= 1
        }
        let lim2 = left
        let cut = lim1 > count / 2 ? lim1 : lim2 < count / 2 ? lim2 : count / 2
        return (d, value, min(max(cut, 1), count - 1))
    }

    /// Inserts `row` (its norm already stored in `points`); false when a full bucket needed a split
    /// and no spare bucket is left (the owner then rebuilds).
    mutating func insert(_ row: Int, _ points: AugmentedRows<Scalar>) -> Bool {
        insert(row, points, leaf: leaf(of: row, points, from: 0))
    }

    /// Inserts `row`, whose contents are those it had when it was last restored (or, the first time
    /// since the build, any): the same leaf as `insert`, reached from the row's home node, which then
    /// becomes that leaf. O(levels below the home node): none while that leaf has not split.
    mutating func restore(_ row: Int, _ points: AugmentedRows<Scalar>) -> Bool {
        let home = Int(homeNode[row])
        let leaf = leaf(of: row, points, from: max(home, 0))
        assert(home < 0 || leaf == self.leaf(of: row, points, from: 0),
               "row \(row) was restored to contents other than at its last restore")
        homeNode[row] = Int32(leaf)
        return insert(row, points, leaf: leaf)
    }

    /// The leaf node `row`'s point reaches from `node` (`< value` left).
    @inline(__always)
    private func leaf(of row: Int, _ points: AugmentedRows<Scalar>, from node: Int) -> Int {
        var node = node
        while nodes[node].dimension >= 0 {
            let n = nodes[node]
            node = Int(n.child) + (points.coordinate(row, Int(n.dimension)) < n.value ? 0 : 1)
        }
        return node
    }

    /// Puts `row` into the bucket of leaf `node`, splitting it when full.
    private mutating func insert(_ row: Int, _ points: AugmentedRows<Scalar>, leaf node: Int) -> Bool {
        let b = Int(nodes[node].child)
        if Int(counts[b]) < capacity {
            slots[b * capacity + Int(counts[b])] = Int32(row)
            counts[b] += 1
            leafOf[row] = Int32(b)
            return true
        }
        guard bucketCount < counts.count, nodeCount + 2 <= nodes.count else { return false }
        var splitRows: [Int32] = []
        swap(&splitRows, &self.splitRows)   // no copy: `split` mutates self while the rows are borrowed
        defer { swap(&splitRows, &self.splitRows) }
        for j in 0..<capacity { splitRows[j] = slots[b * capacity + j] }
        splitRows[capacity] = Int32(row)
        let (d, value, cut) = splitRows.withUnsafeMutableBufferPointer { split($0.baseAddress!, count: capacity + 1, points) }
        let other = bucketCount, child = nodeCount
        bucketCount += 1
        nodeCount += 2
        nodes[node] = Node(value: value, dimension: Int32(d), child: Int32(child))
        nodes[child] = Node(value: 0, dimension: -1, child: Int32(b))
        nodes[child + 1] = Node(value: 0, dimension: -1, child: Int32(other))
        counts[b] = 0
        counts[other] = 0
        for j in 0...capacity {
            let target = j < cut ? b : other, r = splitRows[j]
            slots[target * capacity + Int(counts[target])] = r
            counts[target] += 1
            leafOf[Int(r)] = Int32(target)
        }
        return true
    }

    /// Removes `row` from its bucket (order inside a bucket is not kept).
    mutating func remove(_ row: Int) {
        let b = Int(leafOf[row]), base = b * capacity, last = Int(counts[b]) - 1
        for j in 0...last where slots[base + j] == Int32(row) {
            slots[base + j] = slots[base + last]
            counts[b] -= 1
            leafOf[row] = -1
            return
        }
        preconditionFailure("row \(row) is not in its bucket \(b)")
    }

    /// Bytes held (capacities, including the spares and the build scratch of this tree).
    var byteSize: Int {
        nodes.capacity * MemoryLayout<Node>.stride
            + (slots.capacity + counts.capacity + leafOf.capacity + homeNode.capacity + splitRows.capacity)
                * MemoryLayout<Int32>.stride
            + (mean.capacity + variance.capacity) * MemoryLayout<Scalar>.stride
    }
}

extension Array {
    /// A copy in a new buffer of exactly `count` elements (`Array(self[...])` may share the old buffer).
    func copiedExactly() -> [Element] {
        [Element](unsafeUninitializedCapacity: count) { buffer, initialised in
            initialised = withUnsafeBufferPointer { buffer.initialize(fromContentsOf: $0) }
        }
    }
}
