/// The sparse link store's discrete choices at one SDNC step (SPEC "Sparse DNC": each row of N_t and
/// P_t, and p_t, keeps its K_L largest positive entries; `SparseLinkRows.merge`,
/// `SparseTemporalLinks.update`): which entries each cut of the step kept, largest first. With them
/// held (replay), N_t, P_t and p_t are smooth functions of the parameters, as the full link gradient
/// differentiates them (Proofs/sdnc-gradients.md). At most |w̄W_t|·K_L + K_L·K_L + K_L indices.
public struct LinkCuts: Codable, Sendable, Equatable {
    /// Each row i of N_t the update merged (the written rows of w̄W_t, in the update's order) and the
    /// columns k of N_t(i, k) it kept.
    public var forward: [KeptEntries]
    /// Each row i of P_t that merged additions (p_{t-1}'s support, in its order) and the columns k of
    /// P_t(i, k) it kept. (P's decay of the written columns cuts nothing.)
    public var backward: [KeptEntries]
    /// The rows i of p_t(i) kept, largest first.
    public var precedence: [Int]
    public init(forward: [KeptEntries], backward: [KeptEntries], precedence: [Int]) {
        self.forward = forward
        self.backward = backward
        self.precedence = precedence
    }

    /// Each choice that differs from `other` as (field, these entries, the other's); merged rows and
    /// kept entries are compared as sets (their order does not change N, P or p).
    public func differences(from other: LinkCuts) -> [(field: String, mine: [Int], theirs: [Int])] {
        var found: [(field: String, mine: [Int], theirs: [Int])] = []
        for (name, a, b) in [("forward", forward, other.forward), ("backward", backward, other.backward)] {
            if Set(a.map(\.row)) != Set(b.map(\.row)) {
                found.append(("linkCuts.\(name) rows", a.map(\.row), b.map(\.row)))
                continue
            }
            for (e, x) in a.enumerated() {
                let y = b.first { $0.row == x.row }!.columns
                if Set(x.columns) != Set(y) { found.append(("linkCuts.\(name)[\(e)] (row \(x.row)) columns", x.columns, y)) }
            }
        }
        if Set(precedence) != Set(other.precedence) { found.append(("linkCuts.precedence", precedence, other.precedence)) }
        return found
    }

    /// Indices in range: rows and columns in 0..<N, at most K_L distinct columns per row and no
    /// self-link (k ≠ i), at most K_L distinct precedence rows. `field` prefixes the named field.
    public func validate(rows n: Int, entries: Int, field: String) throws(ConfigurationError) {
        let valid = 0..<n
        for (name, kept) in [("forward", forward), ("backward", backward)] {
            if Set(kept.map(\.row)).count != kept.count {
                throw .outOfRange(field: "\(field).\(name)", value: "rows \(kept.map(\.row))", valid: "distinct rows")
            }
            for (e, k) in kept.enumerated() {
                if !valid.contains(k.row) {
                    throw .outOfRange(field: "\(field).\(name)[\(e)].row", value: "\(k.row)", valid: "a row in 0..<\(n)")
                }
                if k.columns.count > entries || Set(k.columns).count != k.columns.count
                    || k.columns.contains(where: { !valid.contains($0) || $0 == k.row }) {
                    throw .outOfRange(field: "\(field).\(name)[\(e)].columns", value: "\(k.columns)",
                                      valid: "at most K_L = \(entries) distinct columns in 0..<\(n), none the row \(k.row) itself")
                }
            }
        }
        if precedence.count > entries || Set(precedence).count != precedence.count || !precedence.allSatisfy(valid.contains) {
            throw .outOfRange(field: "\(field).precedence", value: "\(precedence)",
                              valid: "at most K_L = \(entries) distinct rows in 0..<\(n)")
        }
    }
}

/// One row of N_t or P_t after a cut (`LinkCuts`): the row and the columns it kept, largest first.
public struct KeptEntries: Codable, Sendable, Equatable {
    public var row: Int
    public var columns: [Int]
    public init(row: Int, columns: [Int]) {
        self.row = row
        self.columns = columns
    }
}

/// The cuts of every update since the last `removeAll`, one step per update (`SparseTemporalLinks`
/// logs into it while `recordingCuts`). Flat Int32 buffers, reused: per step
/// [|N rows|, (row, count, columns…)…, |P rows|, (row, count, columns…)…, |p|, rows…].
final class LinkCutLog {
    private let values = GrowableBuffer<Int32>(), starts = GrowableBuffer<Int>()

    var steps: Int { starts.count }
    var byteSize: Int { values.byteSize + starts.byteSize }

    func removeAll() { values.removeAll(); starts.removeAll() }

    /// Opens a step.
    func beginStep() { starts.append(1).pointee = values.count }

    /// Appends one value (a count, before the entries it counts).
    func append(_ v: Int) { values.append(1).pointee = Int32(v) }

    /// Appends a row and its kept columns.
    func append(row i: Int, columns: UnsafeBufferPointer<Int32>) {
        let out = values.append(2 + columns.count)
        out[0] = Int32(i)
        out[1] = Int32(columns.count)
        for (e, k) in columns.enumerated() { out[2 + e] = k }
    }

    /// Step t's cuts.
    func cuts(step t: Int) -> LinkCuts {
        var at = starts.base[t]
        func next() -> Int { defer { at += 1 }; return Int(values.base[at]) }
        func rows() -> [KeptEntries] {
            (0..<next()).map { _ in
                let row = next()
                return KeptEntries(row: row, columns: (0..<next()).map { _ in next() })
            }
        }
        let forward = rows(), backward = rows()
        return LinkCuts(forward: forward, backward: backward, precedence: (0..<next()).map { _ in next() })
    }
}

extension [KeptEntries] {
    /// The columns held for the e-th row merged, row i (replay): entry e when it is row i's, else row
    /// i's entry anywhere; nil when nothing is held, or none is row i's (`found` false).
    func held(_ e: Int, row i: Int) -> (columns: [Int]?, found: Bool) {
        if e < count && self[e].row == i { return (self[e].columns, true) }
        guard let kept = first(where: { $0.row == i }) else { return (nil, false) }
        return (kept.columns, true)
    }
}
