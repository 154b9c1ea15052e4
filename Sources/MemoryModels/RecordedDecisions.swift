/// The discrete choices of one forward pass (SPEC: no gradient flows through them), recorded so a
/// harness can replay them with the parameters perturbed, and compare them to spot kinks.
public struct StepDecisions: Codable, Sendable, Equatable {
    /// u_1..u_R: the least recently used rows written at this step (SPEC step 4).
    public var leastUsed: [Int]
    /// S_j per head: the K rows read, best first (SPEC step 5). Empty for a dense (DAM) read.
    public var selected: [[Int]]
    public init(leastUsed: [Int], selected: [[Int]]) {
        self.leastUsed = leastUsed
        self.selected = selected
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
        }
        return nil
    }
}
