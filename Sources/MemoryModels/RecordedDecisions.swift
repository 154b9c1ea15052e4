/// The discrete choices of one forward pass (SPEC: no gradient flows through them), recorded so a
/// harness can replay them with the parameters perturbed, and compare them to spot kinks.
public struct StepDecisions: Codable, Sendable, Equatable {
    /// u_1..u_R: the least recently used rows written at this step (SPEC step 4).
    public var leastUsed: [Int]
    /// S_j per head: the K rows read, best first (SPEC step 5). Empty for a dense (DAM) read.
    public var selected: [[Int]]
    /// SDNC only (nil otherwise): the recorded link state each head's read used (`SDNC`): per head the
    /// K rows of f_j and of b_j (−1: empty slot), and the K x 3K link entries N_t(F_q, ·), P_t(B_q, ·)
    /// at the rows of wR_{t-1,j}'s 3K slots, row-major. Replaying them holds the link state fixed.
    public var links: [HeadLinks]?
    /// SDNC under the full link gradient only (nil otherwise, and in case files written before it): the
    /// entries the sparse link store's cuts kept at this step, for each row of N_t and P_t the update
    /// merged and for p_t (`LinkCuts`, each the K_L largest). Replay keeps exactly these entries, so a
    /// perturbation that would flip a cut does not change N, P or p discontinuously.
    public var linkCuts: LinkCuts?
    public init(leastUsed: [Int], selected: [[Int]], links: [HeadLinks]? = nil, linkCuts: LinkCuts? = nil) {
        self.leastUsed = leastUsed
        self.selected = selected
        self.links = links
        self.linkCuts = linkCuts
    }
}

/// One SDNC head's recorded link state at one step (`StepDecisions.links`).
public struct HeadLinks: Codable, Sendable, Equatable {
    public var forwardRows: [Int], backwardRows: [Int]
    public var forwardEntries: [Double], backwardEntries: [Double]
    public init(forwardRows: [Int], backwardRows: [Int], forwardEntries: [Double], backwardEntries: [Double]) {
        self.forwardRows = forwardRows
        self.backwardRows = backwardRows
        self.forwardEntries = forwardEntries
        self.backwardEntries = backwardEntries
    }
}

/// The decisions of every step of a forward pass.
public struct RecordedDecisions: Codable, Sendable, Equatable {
    public var steps: [StepDecisions]
    public init(steps: [StepDecisions]) { self.steps = steps }

    /// The first difference from `other`, named for a person ("step 3 head 1 selected rows [...] vs [...]").
    public func firstDifference(from other: RecordedDecisions) -> String? {
        if steps.count != other.steps.count { return "step count \(steps.count) vs \(other.steps.count)" }
        for (t, (a, b)) in zip(steps, other.steps).enumerated() {
            if a.leastUsed != b.leastUsed { return "step \(t + 1) least-used rows \(a.leastUsed) vs \(b.leastUsed)" }
            for (j, (sa, sb)) in zip(a.selected, b.selected).enumerated() where Set(sa) != Set(sb) {
                return "step \(t + 1) head \(j + 1) selected rows \(sa) vs \(sb)"
            }
            for (j, (la, lb)) in zip(a.links ?? [], b.links ?? []).enumerated() {
                if Set(la.forwardRows) != Set(lb.forwardRows) {
                    return "step \(t + 1) head \(j + 1) forward rows \(la.forwardRows) vs \(lb.forwardRows)"
                }
                if Set(la.backwardRows) != Set(lb.backwardRows) {
                    return "step \(t + 1) head \(j + 1) backward rows \(la.backwardRows) vs \(lb.backwardRows)"
                }
            }
            if let ca = a.linkCuts, let cb = b.linkCuts, let d = ca.differences(from: cb).first {
                return "step \(t + 1) \(d.field) \(d.mine) vs \(d.theirs)"
            }
        }
        return nil
    }
}
