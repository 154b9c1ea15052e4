/// The one injection seam (issue 12): deliberately broken behaviour for proving that the
/// verification harness and the CI gate catch it. These enums only name the faults; every switch
/// that turns one on (`MemoryModel.fault`, `SAM.performanceFault`, `SAM.onBackwardStep`,
/// `ExactIndex.injectedFullSort`) is SPI: production code (`import MemoryModels`) cannot see or
/// set it; only the harness, the gate and tests that write `@_spi(FaultInjection) import` can.

/// A deliberately broken gradient (or, for `unsortedUsageOrder`, a broken forward decision).
/// Set on a model with `model.fault`.
public enum GradientFault: String, Codable, Sendable, CaseIterable {
    /// Scale the gradient of `interface.W` by 1 + 1e-3.
    case scaleInterfaceGradient = "scale-interface-gradient"
    /// Drop the similarity path of the read gradient (dL/ds := 0).
    case dropSimilarityPath = "drop-similarity-path"
    /// Drop the write-gate term dL/dα.
    case dropWriteGateTerm = "drop-write-gate-term"
    /// Flip the sign of the input-gate derivative in the LSTM backward.
    case flipGateSign = "flip-gate-sign"
    /// Skip the journal restore of one row (SAM; DAM has no journal and ignores it).
    case skipJournalRestore = "skip-journal-restore"
    /// A forward change (SAM): the rows accessed in a step move to the back of the usage ring in
    /// the order they were touched instead of ascending row order (SPEC step 7). Only the dense
    /// K = N checks see it, in a fraction of cases; it is left out of `allCases` (the backward faults
    /// every sensitivity test must catch on a few cases) and listed in `forwardFaults`.
    case unsortedUsageOrder = "unsorted-usage-order"
    /// Float path only: scale the gradient of `output.W` by 1 + 1e-4, as a wrong alpha in a
    /// single-precision BLAS call would (Double models ignore it). Only the Float-against-Double
    /// check sees it; it is left out of `allCases` and listed in `floatFaults`.
    case floatOnlyOutputGradient = "float-only-output-gradient"
    /// Zero dL/dr_t, the gradient reaching every read vector (SAM and DAM): nothing upstream of a
    /// read (queries, strengths, writes, memory) learns. Training tests use it as the broken gradient
    /// a learning run must beat; it is listed in `trainingFaults`, not `allCases`.
    case zeroReadGradient = "zero-read-gradient"

    /// SDNC, forward: the sparse forward links skip their decay, N_t(i,k) = N_{t-1}(i,k) + w̄(i) p_{t-1}(k)
    /// (the dense-link baseline keeps it, so the dense-equivalence check sees it).
    case sdncLinkUpdate = "sdnc-link-update"
    /// SDNC, forward: the sparse precedence skips its decay, p_t = p_{t-1} + w̄ (before the cut).
    case sdncPrecedence = "sdnc-precedence"
    /// SDNC, backward: dL/dπ of the forward and backward modes swapped in the read-mode mixing.
    case sdncReadModeMixing = "sdnc-read-mode-mixing"
    /// SDNC, backward: no gradient from f_j and b_j into wR_{t-1,j} (as if the read modes were constants).
    case sdncDropLinkReadPath = "sdnc-drop-link-read-path"
    /// SDNC, full link gradient: N's and P's updates send nothing back into the precedence adjoint p̃.
    case sdncFullDropPrecedence = "sdnc-full-drop-precedence"
    /// SDNC, full link gradient: a read's link adjoint lands on the transposed entry, L̃(k_m, F_q) for L̃(F_q, k_m).
    case sdncFullTransposedLinks = "sdnc-full-transposed-links"

    /// The backward-pass faults (not the forward fault `unsortedUsageOrder`).
    public static let allCases: [GradientFault] = [
        .scaleInterfaceGradient, .dropSimilarityPath, .dropWriteGateTerm, .flipGateSign, .skipJournalRestore,
    ]
    /// Faults in the forward pass's decisions.
    public static let forwardFaults: [GradientFault] = [.unsortedUsageOrder]
    /// Faults only the Float model has (the Float-against-Double check's own fault).
    public static let floatFaults: [GradientFault] = [.floatOnlyOutputGradient]
    /// Faults only the SDNC has: link update, precedence, read-mode mixing, the link read path.
    public static let sdncFaults: [GradientFault] = [.sdncLinkUpdate, .sdncPrecedence, .sdncReadModeMixing, .sdncDropLinkReadPath]
    /// Faults of the SDNC's full link-gradient backward (`TemporalLinkSettings.Gradient.full` only).
    public static let sdncFullGradientFaults: [GradientFault] = [.sdncFullDropPrecedence, .sdncFullTransposedLinks]
    /// Faults that training runs (not gradient checks) are measured against.
    public static let trainingFaults: [GradientFault] = [.zeroReadGradient]
}

/// A deliberately injected performance regression of SAM (set with `SAM.performanceFault`; nil undoes it).
public enum PerformanceFault: String, Codable, Sendable, CaseIterable {
    /// Read through a linear scan (the exact index) whatever index the configuration names.
    case linearScanIndex = "linear-scan-index"
    /// Journal a full copy of memory every step, besides the touched rows (a whole-memory journal).
    case copyMemoryPerStep = "copy-memory-per-step"
    /// Never update the index after writes (it goes stale).
    case staleIndex = "stale-index"
    /// Add one heap allocation to every step.
    case allocatePerStep = "allocate-per-step"
    /// An O(N) pass over every row's time of last access each step that no work counter counts: it
    /// stands for a loop the counters cannot see, which only the timing growth check can catch.
    case usageScan = "usage-scan"
    /// Find the R least recently used rows by walking the whole ring (O(N) per step, counted in
    /// `StepWork.lruRows`) instead of reading its head.
    case linearLRUSearch = "linear-lru-search"
    /// Run the controller's forward (LSTM and interface) `controllerSlowdownRepeats` more times every
    /// step, into scratch: a fixed amount of extra work in code every model shares, which makes
    /// SAM's training step at the gate's sizes at least 30% slower (the gate's power run measures the
    /// injected/clean step-time ratio within one process and prints it).
    case controllerSlowdown = "controller-slowdown"
    /// The exact index sorts all N similarities per query instead of keeping the best K
    /// (`ExactIndex.injectedFullSort`); applies to an exact index only.
    case exactIndexFullSort = "exact-index-full-sort"
    /// `reset()` re-initialises everything (M_0 refilled, index rebuilt, new ring): O(N log N) per
    /// episode instead of O(rows touched), as before Proofs/episode-reset.md.
    case fullReset = "full-reset"
}

extension PerformanceFault {
    /// Extra controller forwards per step under `controllerSlowdown`. One extra forward (the old
    /// injection) measured +0.4% on the gate's step times: the controller (H = 100) is a small part of
    /// a SAM step, so the extra work is repeated until it is a real slowdown of the step.
    public static let controllerSlowdownRepeats = 8
}
