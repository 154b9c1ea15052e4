/// Measurements of one metric (a time, a byte count) at several problem sizes N, each with
/// replicate values. Construction validates everything, so a `ScalingSeries` is always fittable.
public struct ScalingSeries: Codable, Sendable, Equatable {
    /// The smallest number of distinct sizes accepted: two coefficients plus two residual degrees of freedom.
    public static let minimumSizes = 4

    /// Distinct positive sizes, ascending.
    public let sizes: [Int]
    /// `replicates[i]` are the values measured at `sizes[i]`: finite, positive, at least one.
    public let replicates: [[Double]]

    /// Validates and sorts the series by N.
    /// - Throws: `ComplexityFitError` naming the first bad size or value and the valid range.
    public init(sizes: [Int], replicates: [[Double]]) throws {
        guard sizes.count == replicates.count else {
            throw ComplexityFitError.mismatchedLengths(sizes: sizes.count, replicateGroups: replicates.count)
        }
        var seen = Set<Int>()
        for (index, size) in sizes.enumerated() {
            guard size > 0 else { throw ComplexityFitError.nonPositiveSize(index: index, size: size) }
            guard seen.insert(size).inserted else { throw ComplexityFitError.duplicateSize(size: size) }
        }
        guard sizes.count >= Self.minimumSizes else {
            throw ComplexityFitError.tooFewSizes(found: sizes.count, required: Self.minimumSizes)
        }
        for (size, values) in zip(sizes, replicates) {
            guard !values.isEmpty else { throw ComplexityFitError.noReplicates(size: size) }
            for (replicate, value) in values.enumerated() {
                guard value.isFinite else {
                    throw ComplexityFitError.nonFiniteValue(size: size, replicate: replicate, value: value)
                }
                guard value > 0 else {
                    throw ComplexityFitError.nonPositiveValue(size: size, replicate: replicate, value: value)
                }
            }
        }
        let order = sizes.indices.sorted { sizes[$0] < sizes[$1] }
        self.sizes = order.map { sizes[$0] }
        self.replicates = order.map { replicates[$0] }
    }

    /// Convenience: one `(N, values)` pair per size.
    public init(_ points: [(size: Int, values: [Double])]) throws {
        try self.init(sizes: points.map(\.size), replicates: points.map(\.values))
    }

    /// Decoding re-validates, so a hand-edited JSON file cannot smuggle in a degenerate series.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(sizes: c.decode([Int].self, forKey: .sizes),
                      replicates: c.decode([[Double]].self, forKey: .replicates))
    }
}
