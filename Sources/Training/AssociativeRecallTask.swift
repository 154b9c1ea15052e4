import SAMNumerics

/// Associative recall (Graves et al. 2014, the SAM paper's second task): a list of items, each
/// `itemLength` vectors of `bits` bits, then a query item; the answer is the item that followed
/// the query in the list.
///
/// Input size X = B + 2: channel B marks the step before each item (item delimiter), channel B+1
/// the steps before and after the query (query delimiter). Output size Y = B. For n items of
/// length ℓ the episode is n(ℓ + 1) steps of items, 1 + ℓ + 1 steps of delimited query, then ℓ
/// answer steps (blank input, mask 1): T = (n + 2)ℓ + n + 2. The level is n, in 2...`maxItems`;
/// the query is one of the first n − 1 items, drawn uniformly.
public struct AssociativeRecallTask: SequenceTask {
    public let bits: Int
    public let itemLength: Int
    public let maxItems: Int

    public init(bits: Int, itemLength: Int, maxItems: Int) {
        self.bits = bits
        self.itemLength = itemLength
        self.maxItems = max(2, maxItems)
    }

    public var name: String { "recall" }
    public var inputSize: Int { bits + 2 }
    public var outputSize: Int { bits }
    public var levels: ClosedRange<Int> { 2...maxItems }
    public func steps(level: Int) -> Int { (level + 2) * itemLength + level + 2 }

    public func sample(level: Int, using rng: inout SeededGenerator) -> TaskSample {
        let n = max(2, level)
        let items = (0..<n).map { _ in (0..<itemLength).map { _ in randomBits(bits, using: &rng) } }
        return layout(items: items, query: Int.random(in: 0..<(n - 1), using: &rng))
    }

    /// The episode for `items` (n items of ℓ vectors of B bits) queried with item `query` < n − 1.
    public func layout(items: [[[Double]]], query: Int) -> TaskSample {
        let n = items.count, t = steps(level: n)
        var x = [Double](repeating: 0, count: t * inputSize)
        var y = [Double](repeating: 0, count: t * outputSize)
        var mask = [Double](repeating: 0, count: t)
        var s = 0
        func put(_ vector: [Double]) {
            for b in 0..<bits { x[s * inputSize + b] = vector[b] }
            s += 1
        }
        for item in items {
            x[s * inputSize + bits] = 1; s += 1
            item.forEach(put)
        }
        x[s * inputSize + bits + 1] = 1; s += 1
        items[query].forEach(put)
        x[s * inputSize + bits + 1] = 1; s += 1
        for vector in items[query + 1] {
            for b in 0..<bits { y[s * outputSize + b] = vector[b] }
            mask[s] = 1
            s += 1
        }
        return TaskSample(steps: t, inputs: x, targets: y, mask: mask)
    }
}
