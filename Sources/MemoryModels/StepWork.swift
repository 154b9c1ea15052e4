/// Rows each stage of SAM's per-step loops touched (issue 12: "work counters for every per-step
/// loop"). `SAM.work` sums them since creation; `SAM.workPeak` holds, field by field, the most any
/// single step touched since `resetWorkPeak()`. Each counter is incremented by the loop it
/// describes, by the number of rows that loop visits, so a loop over N rows in a counted stage
/// reads N. For SAM every field except an exact index's `indexDistances` is bounded by R, K and T
/// alone (SPEC "Complexity": O(R*K) rows per step); the per-step peak reaches that bound in
/// some step of a segment whatever N is, so the CI gate requires the peaks to be exactly equal at
/// N = 2^10, 2^12 and 2^16 (a sum divided by T is not: how many rows coincide depends on the data).
/// A new loop counts only if it increments a counter; the gate's timing growth check is there for
/// the loops no counter sees.
public struct StepWork: Codable, Sendable, Equatable {
    /// Write (SPEC step 4): rows erased (R) plus rows added to (the previous read's R*K rows).
    public var writeRows = 0
    /// Read (SPEC step 5): rows weighted into r_j, K per head.
    public var readRows = 0
    /// Usage (SPEC step 7): rows offered to the usage update (`touch`: R least used, the previous
    /// read's R*K rows, this read's R*K rows); each distinct one is then compared with δ.
    public var usageRows = 0
    /// LRU: ring positions visited to find the R least recently used rows.
    public var lruRows = 0
    /// Journal: rows saved for rollback (a whole-memory save counts N).
    public var journalRows = 0
    /// Index update: rows passed to the index's `update`.
    public var indexRowsUpdated = 0
    /// Index search: queries made, and query-to-row distances the index itself counted
    /// (`IndexCounters.distanceEvaluations`; see each index for what it can count).
    public var indexQueries = 0
    public var indexDistances = 0
    /// Backward: rows of M and dM visited (read rows, previous read rows, erased rows, journal
    /// exchanges, and the re-application and clearing at the end).
    public var backwardRows = 0
    /// SDNC link update: rows of N and P rebuilt (`SparseLinkRows.merge`); 0 for SAM.
    public var linkRowsMerged = 0
    /// SDNC link reads and P's decay: column-list nodes walked (stale ones included); 0 for SAM.
    public var linkColumnNodes = 0

    public init() {}

    /// Raises each field of `self` (a peak) to the work one step did: `after − before`.
    /// Field by field, with no array, so the hot loop allocates nothing.
    @inline(__always)
    mutating func raise(toStepFrom before: StepWork, to after: StepWork) {
        writeRows = max(writeRows, after.writeRows - before.writeRows)
        readRows = max(readRows, after.readRows - before.readRows)
        usageRows = max(usageRows, after.usageRows - before.usageRows)
        lruRows = max(lruRows, after.lruRows - before.lruRows)
        journalRows = max(journalRows, after.journalRows - before.journalRows)
        indexRowsUpdated = max(indexRowsUpdated, after.indexRowsUpdated - before.indexRowsUpdated)
        indexQueries = max(indexQueries, after.indexQueries - before.indexQueries)
        indexDistances = max(indexDistances, after.indexDistances - before.indexDistances)
        backwardRows = max(backwardRows, after.backwardRows - before.backwardRows)
        linkRowsMerged = max(linkRowsMerged, after.linkRowsMerged - before.linkRowsMerged)
        linkColumnNodes = max(linkColumnNodes, after.linkColumnNodes - before.linkColumnNodes)
    }

    /// Named fields, in a fixed order (for the gate's checks).
    public var fields: [(name: String, value: Int)] {
        [("write-rows", writeRows), ("read-rows", readRows), ("usage-rows", usageRows), ("lru-rows", lruRows),
         ("journal-rows", journalRows), ("index-rows-updated", indexRowsUpdated), ("index-queries", indexQueries),
         ("index-distances", indexDistances), ("backward-rows", backwardRows),
         ("link-rows-merged", linkRowsMerged), ("link-column-nodes", linkColumnNodes)]
    }

    /// The fields only the SDNC's link store counts (SAM's read 0).
    public static let linkFields = ["link-rows-merged", "link-column-nodes"]
}

/// A model that counts the rows each stage of a step touches (`StepWork`) and whose `reset()` undoes
/// only what the episode touched (SAM, SDNC): the gate's work and reset-rows checks read it.
public protocol StepWorkCounting: AnyObject {
    /// The most rows each stage touched in any one step since `resetWorkPeak()`.
    var workPeak: StepWork { get }
    func resetWorkPeak()
    /// Rows the last `reset()` visited.
    var lastResetRows: Int { get }
    /// The O(N) reset: M_0, the index rebuilt from all rows, a new ring (the state of a model just built).
    func reinitialise()
}

extension SAM: StepWorkCounting {}
