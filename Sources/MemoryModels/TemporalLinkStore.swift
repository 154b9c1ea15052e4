import SAMNumerics

/// How the Sparse DNC's temporal links are kept and differentiated (SPEC "Sparse DNC").
public struct TemporalLinkSettings: Codable, Sendable, Equatable {
    /// Which gradient the backward pass computes through the link state N, P and the precedence p.
    public enum Gradient: String, Codable, Sendable, CaseIterable {
        /// The paper's choice (the default): N_t, P_t and p_t are recorded state, no gradient flows
        /// through them; the forward records the link entries each read used, the harness replays them.
        case recorded
        /// Full gradients through links and precedence (Proofs/sdnc-gradients.md, "Gradient, option"):
        /// the cuts' kept entries are held, their values live; the link store journals each update so the
        /// backward rolls it back (`LinkGradient`).
        case full
    }
    /// K_L: entries kept per row of N and P, and in p (SPEC: 8).
    public var entries: Int
    public var gradient: Gradient
    /// Keep the full N x N link matrices and the dense precedence, as the DNC does (no cut to K_L):
    /// the dense-link baseline of the dense-equivalence check.
    public var dense: Bool

    public init(entries: Int = 8, gradient: Gradient = .recorded, dense: Bool = false) {
        self.entries = entries
        self.gradient = gradient
        self.dense = dense
    }
}

/// The state behind an SDNC's read modes: forward links N_t, backward links P_t and precedence p_t
/// (SPEC "Sparse DNC"), and the two products a read needs from them.
///
/// `update` takes w̄W_t, the heads' mean write weighting (an SPEC decision, Proofs/sdnc-gradients.md:
/// with R heads each writing, the mean keeps Σ_i w̄W_t(i) ≤ 1 as the DNC's single write head does),
/// given on its support: `rows` (distinct) and their weights.
protocol TemporalLinkStore<Scalar>: AnyObject {
    associatedtype Scalar: ModelScalar
    /// N_0 = P_0 = 0, p_0 = 0.
    func reset()
    /// N_t, P_t from N_{t-1}, P_{t-1}, p_{t-1} and w̄W_t (no self-links), then p_t; each row of N and P,
    /// and p, keeps its K_L largest entries (the dense store keeps all). `cuts` (replay): keep exactly
    /// those entries instead of cutting; one that does not fit the update (a row it does not merge, an
    /// entry that is no candidate) throws, the update left part done (reset before reuse).
    func update(rows: [Int], weights: [Scalar], holding cuts: LinkCuts?) throws(ConfigurationError)
    /// While set, each `update` logs the entries its cuts kept, one step per update, cleared with the
    /// journal; `cuts(step:)` reads step t back (`StepDecisions.linkCuts`; nil from the dense store).
    var recordingCuts: Bool { get set }
    func cuts(step t: Int) -> LinkCuts?
    /// (L w)(i) for L = N (`forward`) or P, with w given on `count` (row, weight) pairs (rows may repeat;
    /// a negative row is an empty slot): the `k` rows with the largest positive value, largest first,
    /// ties to the lower row, into `into` (cleared first).
    func weighting(forward: Bool, rows: UnsafePointer<Int32>, weights: UnsafePointer<Scalar>, count: Int, k: Int,
                   into: inout [Int])
    /// N_t(i, k) (`forward`) or P_t(i, k); 0 where no entry is kept.
    func link(forward: Bool, row i: Int, column k: Int) -> Scalar
    /// p_t(i).
    func precedence(_ i: Int) -> Scalar
    /// Bytes the link state holds.
    var byteSize: Int { get }
    /// Rows and columns of N and P `reset` would clear now (the sparse store's touched ones; 2N dense).
    var resetRows: Int { get }
    /// Since creation: entries of N's or P's columns visited by weightings and P's decay (sparse: list
    /// nodes walked), and rows of N and P an update visited.
    var work: (columnNodes: Int, rowsMerged: Int) { get }

    /// Makes room for a segment of `steps` updates that each merge at most `mergesPerStep` rows (the
    /// written rows and p's support), so that no update or weighting of the segment allocates; it
    /// allocates itself only when that exceeds the capacity. The full-gradient journal is not covered.
    func reserve(steps: Int, mergesPerStep: Int)
    /// Full-gradient backward (Proofs/sdnc-gradients.md): while set, each `update` saves the pre-images
    /// of what it changes as one more journal step (cleared by `reset` and `clearJournal`).
    var journaling: Bool { get set }
    func clearJournal()
    /// Bytes the journal holds (0 unless journaling).
    var journalBytes: Int { get }
    /// Swaps journal step t's pre-images with the values held now, as `Journal.exchange`: for t = T..1
    /// after the forward it rolls the state back to before each update, for t = 1..T it re-applies it.
    func exchange(step t: Int)
}

extension TemporalLinkStore {
    /// `update` with nothing held: every cut runs live, so nothing can misfit.
    func update(rows: [Int], weights: [Scalar]) {
        do { try update(rows: rows, weights: weights, holding: nil) } catch { assertionFailure("\(error)") }
    }
}

/// The `k` candidates with the largest positive `values[row]` (value desc, row asc), into `into`
/// (cleared first); `ranked` is scratch. O(candidates · k).
func largestPositive<Scalar: ModelScalar>(_ candidates: UnsafeBufferPointer<Int32>, of values: UnsafePointer<Scalar>, k: Int,
                                          ranked: GrowableBuffer<Int32>, into: inout [Int]) {
    ranked.removeAll()
    let order = ranked.append(k)
    var kept = 0
    for r in candidates where values[Int(r)] > 0 {
        insertRanked(r, into: order, count: &kept, k: k) { a, b in
            values[Int(a)] != values[Int(b)] ? values[Int(a)] > values[Int(b)] : a < b
        }
    }
    into.removeAll(keepingCapacity: true)
    for s in 0..<kept { into.append(Int(order[s])) }
}

/// The DNC's dense link state: N and P as full N x N matrices, p as a dense vector, nothing cut.
/// O(N²) memory, O(N·|w̄W|) time per update, O(N·count) per weighting: the dense-link baseline.
final class DenseTemporalLinks<Scalar: ModelScalar>: TemporalLinkStore {
    let n: Int
    var forwardLinks: [Scalar], backwardLinks: [Scalar], p: [Scalar]
    private var product: [Scalar]
    private let allRows: [Int32], ranked = GrowableBuffer<Int32>()
    private(set) var work = (columnNodes: 0, rowsMerged: 0)
    var resetRows: Int { 2 * n }
    /// The journal: per step, each entry the update changes, (array: 0 N, 1 P, 2 p; flat index; value before).
    var journaling = false
    private var saved: [(array: Int, index: Int, value: Scalar)] = [], stepStarts: [Int] = []

    init(rows n: Int) {
        self.n = n
        forwardLinks = Array(repeating: 0, count: n * n)
        backwardLinks = Array(repeating: 0, count: n * n)
        p = Array(repeating: 0, count: n)
        product = Array(repeating: 0, count: n)
        allRows = (0..<n).map { Int32($0) }
    }

    func reset() {
        for i in forwardLinks.indices { forwardLinks[i] = 0; backwardLinks[i] = 0 }
        for i in p.indices { p[i] = 0 }
        clearJournal()
    }

    func clearJournal() {
        saved.removeAll(keepingCapacity: true)
        stepStarts.removeAll(keepingCapacity: true)
    }

    /// Nothing grows per update: N, P, p and the weighting's scratch are allocated whole.
    func reserve(steps: Int, mergesPerStep: Int) {}

    var journalBytes: Int { saved.count * MemoryLayout<(Int, Int, Scalar)>.stride }

    func exchange(step t: Int) {
        for s in stepStarts[t]..<(t + 1 < stepStarts.count ? stepStarts[t + 1] : saved.count) {
            let (array, index, value) = saved[s]
            switch array {
            case 0: saved[s].value = forwardLinks[index]; forwardLinks[index] = value
            case 1: saved[s].value = backwardLinks[index]; backwardLinks[index] = value
            default: saved[s].value = p[index]; p[index] = value
            }
        }
    }

    /// Saves the pre-image of every entry the update is about to change: O(N·|w̄W|) (the baseline's own cost).
    private func beginJournalStep(rows: [Int]) {
        stepStarts.append(saved.count)
        for i in rows { for k in 0..<n where k != i { saved.append((0, i * n + k, forwardLinks[i * n + k])) } }
        for k in rows { for i in 0..<n where i != k { saved.append((1, i * n + k, backwardLinks[i * n + k])) } }
        for i in 0..<n { saved.append((2, i, p[i])) }
    }

    /// Nothing is cut: no cuts to hold (`cuts` is ignored) or record. Specialised, with index loops:
    /// reached through `any TemporalLinkStore`, the generic code's `zip` and `reduce` allocated a
    /// coroutine frame per element (~180 allocations per step).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func update(rows: [Int], weights: [Scalar], holding cuts: LinkCuts?) {
        if journaling { beginJournalStep(rows: rows) }
        work.rowsMerged += rows.count * (1 + n)   // row i of N, and every row of P at column i
        for e in 0..<rows.count {
            let i = rows[e], wi = weights[e]
            for k in 0..<n where k != i { forwardLinks[i * n + k] = (1 - wi) * forwardLinks[i * n + k] + wi * p[k] }
        }
        for e in 0..<rows.count {
            let k = rows[e], wk = weights[e]
            for i in 0..<n where i != k { backwardLinks[i * n + k] = (1 - wk) * backwardLinks[i * n + k] + wk * p[i] }
        }
        var total: Scalar = 0   // Σ weights in order, as `reduce(0, +)`
        for e in 0..<weights.count { total += weights[e] }
        for i in 0..<n { p[i] *= 1 - total }
        for e in 0..<rows.count { p[rows[e]] += weights[e] }
    }

    func weighting(forward: Bool, rows: UnsafePointer<Int32>, weights: UnsafePointer<Scalar>, count: Int, k: Int,
                   into: inout [Int]) {
        for i in 0..<n { product[i] = 0 }
        for m in 0..<count where rows[m] >= 0 {
            let column = Int(rows[m])
            work.columnNodes += n
            for i in 0..<n { product[i] += link(forward: forward, row: i, column: column) * weights[m] }
        }
        product.withUnsafeBufferPointer { values in
            allRows.withUnsafeBufferPointer { largestPositive($0, of: values.baseAddress!, k: k, ranked: ranked, into: &into) }
        }
    }

    func link(forward: Bool, row i: Int, column k: Int) -> Scalar {
        forward ? forwardLinks[i * n + k] : backwardLinks[i * n + k]
    }

    func precedence(_ i: Int) -> Scalar { p[i] }

    var recordingCuts: Bool { get { false } set {} }
    func cuts(step t: Int) -> LinkCuts? { nil }

    var byteSize: Int { (2 * n * n + 2 * n) * MemoryLayout<Scalar>.stride }
}
