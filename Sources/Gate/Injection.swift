@_spi(FaultInjection) import MemoryModels

/// The regressions the gate must catch (`samkit gate --inject`, `samkit gate --power`). Each maps
/// onto the models' one injection seam (`MemoryModels/FaultInjection.swift`).
public enum Injection: String, Codable, Sendable, CaseIterable {
    /// SAM's k-d forest replaced by the linear scan (`PerformanceFault.linearScanIndex`).
    case linearScanIndex = "linear-scan-index"
    /// A full copy of memory per step in SAM's journal: a whole-memory journal (`.copyMemoryPerStep`).
    case copyMemoryPerStep = "copy-memory-per-step"
    /// A wrong gradient term: the write-gate term dropped (`GradientFault.dropWriteGateTerm`).
    case wrongGradient = "wrong-gradient"
    /// The index never updated after writes (`.staleIndex`).
    case staleIndex = "stale-index"
    /// One heap allocation added to every step (`.allocatePerStep`).
    case allocatePerStep = "allocate-per-step"
    /// An O(N) pass over the usage stamps every step that no counter counts (`.usageScan`).
    case usageScan = "usage-scan"
    /// The R least used rows found by walking the whole ring (`.linearLRUSearch`).
    case linearLRUSearch = "linear-lru-search"
    /// The controller's forward run twice per step, about 30% more controller work (`.controllerSlowdown`).
    case controllerSlowdown = "controller-slowdown"
    /// A sort of all N similarities in the exact index (`.exactIndexFullSort`).
    case exactIndexFullSort = "exact-index-full-sort"
    /// Accessed rows moved to the back of the usage ring unsorted (`GradientFault.unsortedUsageOrder`,
    /// a forward change only the dense K = N checks see, in a fraction of cases).
    case unsortedUsageOrder = "unsorted-usage-order"

    public var performanceFault: PerformanceFault? {
        switch self {
        case .linearScanIndex: .linearScanIndex
        case .copyMemoryPerStep: .copyMemoryPerStep
        case .staleIndex: .staleIndex
        case .allocatePerStep: .allocatePerStep
        case .usageScan: .usageScan
        case .linearLRUSearch: .linearLRUSearch
        case .controllerSlowdown: .controllerSlowdown
        case .exactIndexFullSort: .exactIndexFullSort
        case .wrongGradient, .unsortedUsageOrder: nil
        }
    }

    public var gradientFault: GradientFault? {
        switch self {
        case .wrongGradient: .dropWriteGateTerm
        case .unsortedUsageOrder: .unsortedUsageOrder
        default: nil
        }
    }

    /// Whether the gradient checks (verification cases) can see it; the performance injections
    /// never reach the verification models.
    public var reachesGradientChecks: Bool { gradientFault != nil }
}
