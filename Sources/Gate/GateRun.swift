import Foundation

/// How a gate run is made.
public struct GateOptions {
    /// Fewer timed rounds and fewer verification cases.
    public var quick: Bool
    /// Test-only: a regression to inject into every model the gate builds.
    public var injection: Injection?
    /// Counts allocations of a block; nil skips the allocation counters (reported as skipped).
    public var allocations: AllocationCounter?
    /// False skips the timing checks (ratios and normalised step times), e.g. in debug-build unit tests.
    public var timing: Bool
    /// False skips the resident-memory checks.
    public var memory: Bool
    /// Skipped checks do not fail the run (`--allow-skipped`); by default a skipped check fails it.
    public var allowSkipped: Bool
    /// Only the checks whose name contains one of these comma-separated texts (test-only).
    public var only: String?
    /// Skip the timing and memory checks once a deterministic check (counter, work, gradient) has
    /// regressed: the verdict is settled (`--power`'s injected runs; never for clean runs).
    public var stopWhenSettled = false
    /// Added to every gradient check's seed (`--power` draws new cases in every repetition).
    public var gradientSeedOffset: UInt64
    /// Called with a line of progress.
    public var progress: (String) -> Void

    public init(quick: Bool = false, injection: Injection? = nil, allocations: AllocationCounter? = nil,
                timing: Bool = true, memory: Bool = true, allowSkipped: Bool = false, only: String? = nil,
                gradientSeedOffset: UInt64 = 0, progress: @escaping (String) -> Void = { _ in }) {
        self.quick = quick
        self.injection = injection
        self.allocations = allocations
        self.timing = timing
        self.memory = memory
        self.allowSkipped = allowSkipped
        self.only = only
        self.gradientSeedOffset = gradientSeedOffset
        self.progress = progress
    }

    func wanted(_ name: String) -> Bool {
        guard let only else { return true }
        return only.split(separator: ",").contains { name.contains($0) }
    }
}

/// The verdict of one check.
public enum Verdict: String, Codable, Sendable {
    case holds = "holds"
    case regression = "REGRESSION"
    /// The check could not be judged (no allocation counter, a fit failed, no RSS): a failure unless `--allow-skipped`.
    case skipped = "skipped"
}

/// One row of the gate's table.
public struct CheckOutcome: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case counter, complexity, work, ratio, stepTime, memory, gradient }
    public let kind: Kind
    public let name: String
    public let expected: String
    public let measured: String
    public let verdict: Verdict
    /// The measured number `--update` writes back (counters: the value; ratios and step times: the estimate).
    public let value: Double?
    /// Extra measured figures `--update` keeps (step times: the relative spread; work: per-field values).
    public var detail: [String: Double]? = nil
}

/// The outcome of a gate run.
public struct GateRun: Sendable {
    public let outcomes: [CheckOutcome]
    public let seconds: Double
    public let injection: Injection?
    public let quick: Bool
    public let allowSkipped: Bool
    /// A note when the baseline was measured on another machine (nil on the same one).
    public let machineNote: String?

    public var regressions: [CheckOutcome] { outcomes.filter { $0.verdict == .regression } }
    public var skipped: [CheckOutcome] { outcomes.filter { $0.verdict == .skipped } }
    /// Every check holds (and none was skipped, unless skipping is allowed).
    public var passed: Bool { regressions.isEmpty && (allowSkipped || skipped.isEmpty) }
    /// 0: the gate passes; 1: a check regressed or was skipped (issue 13's convention; 2 is a usage error).
    public var exitCode: Int32 { passed ? 0 : 1 }
}
