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
    /// HNSW: links per node M (2M on the bottom layer).
    public var hnswLinks: Int
    /// HNSW: candidates kept while inserting or replacing a point (efConstruction).
    public var hnswConstructionEf: Int
    /// HNSW: candidates kept while searching (ef); a search keeps at least 2K whatever ef says.
    public var hnswSearchEf: Int

    public init(trees: Int = 4, checks: Int = 32, lshTables: Int = 8, lshBits: Int = 12, seed: UInt64 = 1,
                hnswLinks: Int = 16, hnswConstructionEf: Int = 64, hnswSearchEf: Int = 64) {
        self.trees = trees
        self.checks = checks
        self.lshTables = lshTables
        self.lshBits = lshBits
        self.seed = seed
        self.hnswLinks = hnswLinks
        self.hnswConstructionEf = hnswConstructionEf
        self.hnswSearchEf = hnswSearchEf
    }

    private enum CodingKeys: String, CodingKey {
        case trees, checks, lshTables, lshBits, seed, hnswLinks, hnswConstructionEf, hnswSearchEf
    }

    /// Decodes the settings; the HNSW fields are optional (files written before HNSW lack them).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = IndexSettings()
        self.init(trees: try c.decode(Int.self, forKey: .trees), checks: try c.decode(Int.self, forKey: .checks),
                  lshTables: try c.decode(Int.self, forKey: .lshTables), lshBits: try c.decode(Int.self, forKey: .lshBits),
                  seed: try c.decode(UInt64.self, forKey: .seed),
                  hnswLinks: try c.decodeIfPresent(Int.self, forKey: .hnswLinks) ?? defaults.hnswLinks,
                  hnswConstructionEf: try c.decodeIfPresent(Int.self, forKey: .hnswConstructionEf)
                      ?? defaults.hnswConstructionEf,
                  hnswSearchEf: try c.decodeIfPresent(Int.self, forKey: .hnswSearchEf) ?? defaults.hnswSearchEf)
    }

    /// Checks every field against its valid range; `k` is the number of neighbours queried.
    public func validate(k: Int) throws(IndexSettingsError) {
        if trees < 1 { throw .outOfRange(field: "trees", value: "\(trees)", valid: "1 or more") }
        if checks < k { throw .outOfRange(field: "checks", value: "\(checks)", valid: "at least K = \(k)") }
        if lshTables < 1 { throw .outOfRange(field: "lshTables", value: "\(lshTables)", valid: "1 or more") }
        if !(1...64).contains(lshBits) { throw .outOfRange(field: "lshBits", value: "\(lshBits)", valid: "1...64") }
        if !Self.hnswLinksRange.contains(hnswLinks) {
            throw .outOfRange(field: "hnswLinks", value: "\(hnswLinks)", valid: "\(Self.hnswLinksRange)")
        }
        if !(hnswLinks...Self.hnswEfLimit).contains(hnswConstructionEf) {
            throw .outOfRange(field: "hnswConstructionEf", value: "\(hnswConstructionEf)",
                              valid: "M = \(hnswLinks)...\(Self.hnswEfLimit)")
        }
        if !(1...Self.hnswEfLimit).contains(hnswSearchEf) {
            throw .outOfRange(field: "hnswSearchEf", value: "\(hnswSearchEf)", valid: "1...\(Self.hnswEfLimit)")
        }
    }
}

extension IndexSettings {
    /// Valid HNSW links per node M (hnswlib stores 2M link counts in 16 bits; beyond 256 is never useful here).
    public static let hnswLinksRange = 2...256
    /// Largest ef (search or construction) accepted.
    public static let hnswEfLimit = 100_000
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
