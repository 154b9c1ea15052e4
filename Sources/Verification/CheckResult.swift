/// The checks the harness runs.
public enum CheckKind: String, Codable, Sendable, CaseIterable {
    /// Every coordinate against central differences, decisions held fixed (the recorded ones replayed).
    case replay
    /// Every coordinate against plain central differences; decision flips are reported as kinks.
    case free
    /// Directional derivatives along seeded random unit directions, decisions held fixed.
    case fast
    /// SAM with K = N and an exact index against DAM: loss, outputs, every gradient.
    case denseEquivalence = "dense K=N"
    /// SAM (K < N) against a DAM whose softmax is restricted to SAM's selected rows, row by row.
    case maskedEquivalence = "masked DAM"
    /// Backward twice bit-identical, zero upstream gives zero, memory restored, gradients finite.
    case structural
    /// The Float model (forward and backward) against the Double model at the same Float-representable
    /// point, under a tolerance from Float's ε and each block's measured conditioning.
    case floatAgreement = "float vs double"

    /// The checks of the Double models (every kind but `floatAgreement`).
    public static let doublePrecision: [CheckKind] = allCases.filter { $0 != .floatAgreement }
}

/// A coordinate of the gradient: a parameter entry (SPEC name) or an input entry.
public struct Coordinate: Codable, Sendable, Equatable, CustomStringConvertible {
    /// `lstm.Wx`, ..., `output.b`, `inputs` (dL/dx), or a non-parameter quantity (`loss`, `outputs`, `memory`).
    public let name: String
    /// Flat row-major index within `name`.
    public let index: Int
    /// The index per dimension of `name`'s shape (row, column for a matrix).
    public let position: [Int]

    /// The coordinate at flat `index` of a block `name` of `shape` (row-major).
    public init(name: String, index: Int, shape: [Int]) {
        self.name = name
        self.index = index
        var rest = index, position: [Int] = []
        for extent in shape.reversed() where extent > 0 {
            position.insert(rest % extent, at: 0)
            rest /= extent
        }
        self.position = position
    }

    /// `name[i, j]`.
    public var description: String { "\(name)[\(position.map(String.init).joined(separator: ", "))]" }
}

/// The worst coordinate of a check: the one whose error is largest relative to its tolerance.
public struct Discrepancy: Codable, Sendable, Equatable {
    /// Which entry.
    public let coordinate: Coordinate
    /// The hand-written gradient (or the model's value, for equivalence checks).
    public let analytic: Double
    /// Finite differences (or the reference model's value).
    public let numeric: Double
    /// |analytic − numeric|.
    public let absoluteError: Double
    /// |analytic − numeric| / max(|analytic|, |numeric|), 0 when both are 0.
    public let relativeError: Double
    /// The tolerance the entry was judged against, and where it comes from.
    public let tolerance: Tolerance

    /// Judges one entry: errors are computed from `analytic` and `numeric`.
    public init(coordinate: Coordinate, analytic: Double, numeric: Double, tolerance: Tolerance,
                absoluteError: Double? = nil) {
        self.coordinate = coordinate
        self.analytic = analytic
        self.numeric = numeric
        self.absoluteError = absoluteError ?? abs(analytic - numeric)
        let scale = max(abs(analytic), abs(numeric))
        relativeError = scale > 0 ? self.absoluteError / scale : 0
        self.tolerance = tolerance
    }

    /// absoluteError / tolerance: above 1 fails. Infinite for NaN or a non-zero error on a zero bound.
    public var excess: Double {
        if !absoluteError.isFinite || absoluteError.isNaN { return .infinity }
        if absoluteError == 0 { return 0 }
        return tolerance.value > 0 ? absoluteError / tolerance.value : .infinity
    }
}

/// A decision flip seen in free mode.
public struct Kink: Codable, Sendable, Equatable {
    /// The perturbed coordinate.
    public let coordinate: Coordinate
    /// The first decision that differs (`RecordedDecisions.firstDifference`).
    public let decision: String
}

/// What a check concluded: a verdict that could have gone the other way, or none.
public enum Verdict: String, Codable, Sendable {
    case holds
    case fails
    /// The check could not have failed where the code could be wrong (`CheckResult.cannotJudge` says why).
    case cannotJudge = "cannot judge"
}

/// The outcome of one check on one case.
public struct CheckResult: Codable, Sendable {
    /// Which check ran.
    public let check: CheckKind
    /// The case it ran on (replayable from its seed).
    public let verificationCase: VerificationCase
    /// The check holds: it could judge, and every compared coordinate is within its tolerance.
    public let passed: Bool
    /// Why the check cannot judge (`BlockJudgement`), nil when it can.
    public let cannotJudge: String?
    /// Per block: the smallest relative fault on one entry the check catches (finite-difference checks).
    public let detectionFloors: [DetectionFloor]
    /// pass, fail or cannot judge.
    public let verdict: Verdict
    /// SAM: the index's work over the case's training forward, from its own counters.
    public let indexWork: IndexWork?
    /// The worst coordinate, nil when nothing was compared (e.g. every coordinate kinked).
    public let worst: Discrepancy?
    /// Coordinates compared (excluding kinks).
    public let compared: Int
    /// Free mode: coordinates whose perturbation changed a decision (neither passed nor failed).
    public let kinkCount: Int
    /// The first few kinks, named.
    public let kinks: [Kink]
    /// Free-form findings (a structural violation, a decision mismatch).
    public let notes: [String]
    /// Norm-wise relative error max|a − b| / max|b| per parameter (and `inputs`), worst over parameters.
    public let normwiseRelativeError: Double

    /// A result; the verdict is fail when `passed` is false, cannot judge when `cannotJudge` gives a reason.
    public init(check: CheckKind, verificationCase: VerificationCase, passed: Bool, worst: Discrepancy?,
                compared: Int, kinkCount: Int = 0, kinks: [Kink] = [], notes: [String] = [],
                normwiseRelativeError: Double = 0, cannotJudge: String? = nil, detectionFloors: [DetectionFloor] = [],
                indexWork: IndexWork? = nil) {
        self.indexWork = indexWork
        self.check = check
        self.verificationCase = verificationCase
        // A tolerance exceeded fails even when the check is vacuous; otherwise vacuity withholds the pass.
        let reason = compared == 0 && cannotJudge == nil && passed ? "nothing was compared" : cannotJudge
        self.verdict = !passed ? .fails : reason != nil ? .cannotJudge : .holds
        self.passed = verdict == .holds
        self.cannotJudge = reason
        self.detectionFloors = detectionFloors
        self.worst = worst
        self.compared = compared
        self.kinkCount = kinkCount
        self.kinks = kinks
        self.notes = notes
        self.normwiseRelativeError = normwiseRelativeError
    }
}

/// Keeps the worst of a stream of discrepancies, and whether any exceeded its tolerance.
struct WorstTracker {
    private(set) var worst: Discrepancy?
    private(set) var failed = false
    private(set) var compared = 0

    mutating func add(_ d: Discrepancy) {
        compared += 1
        if d.excess > 1 { failed = true }
        if let w = worst, !(d.excess > w.excess) { return }
        worst = d
    }
}
