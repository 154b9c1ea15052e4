/// Tunables of the approximate indexes, validated on construction.
public struct IndexSettings: Codable, Sendable, Equatable {
    /// Randomized k-d trees in the FLANN forest (paper: 4).
    public var trees: Int
    /// Leaves FLANN checks per query (paper: 32); must be at least K.
    public var checks: Int
    /// LSH hash tables L.
    public var lshTables: Int
    /// Bits per LSH key k (1...64).
    public var lshBits: Int
    /// Seed for the randomized structures.
    public var seed: UInt64

    public init(trees: Int = 4, checks: Int = 32, lshTables: Int = 8, lshBits: Int = 12, seed: UInt64 = 1) {
        self.trees = trees
        self.checks = checks
        self.lshTables = lshTables
        self.lshBits = lshBits
        self.seed = seed
    }

    /// Checks every field against its valid range; `k` is the number of neighbours queried.
    public func validate(k: Int) throws(IndexSettingsError) {
        if trees < 1 { throw .outOfRange(field: "trees", value: "\(trees)", valid: "1 or more") }
        if checks < k { throw .outOfRange(field: "checks", value: "\(checks)", valid: "at least K = \(k)") }
        if lshTables < 1 { throw .outOfRange(field: "lshTables", value: "\(lshTables)", valid: "1 or more") }
        if !(1...64).contains(lshBits) { throw .outOfRange(field: "lshBits", value: "\(lshBits)", valid: "1...64") }
    }
}

/// A bad index setting, naming the field, the value and the valid range.
public enum IndexSettingsError: Error, Equatable, CustomStringConvertible {
    case outOfRange(field: String, value: String, valid: String)
    public var description: String {
        switch self {
        case let .outOfRange(field, value, valid): "index setting \(field) = \(value) is out of range (valid: \(valid))"
        }
    }
}
