@_spi(FaultInjection) import MemoryModels

/// Which checks `samkit verify --mode` runs.
public enum VerificationMode: String, Codable, Sendable, CaseIterable {
    case replay, free, fast, dense, structural, float, all

    /// The checks of this mode.
    public var checks: [CheckKind] {
        switch self {
        case .replay: [.replay]
        case .free: [.free]
        case .fast: [.fast]
        case .dense: [.denseEquivalence, .maskedEquivalence]
        case .structural: [.structural]
        case .float: [.floatAgreement]
        case .all: CheckKind.allCases
        }
    }
}

/// Settings shared by every check of a run.
public struct VerificationSettings: Codable, Sendable {
    /// Central-difference step h.
    public var step: Double
    /// Random directions in fast mode.
    public var directions: Int
    /// Test-only: a fault injected into the backward pass of the model under test.
    public var fault: GradientFault?
    /// Replay and free modes: check a seeded sample of this many coordinates (nil: every coordinate).
    public var coordinates: Int?

    /// Settings: central-difference `step`, `directions` for fast mode, an injected `fault`, and a
    /// sample of `coordinates` for replay and free modes (nil: all).
    public init(step: Double = CentralDifference.defaultStep, directions: Int = DirectionalCheck.defaultDirections,
                fault: GradientFault? = nil, coordinates: Int? = nil) {
        self.step = step
        self.directions = directions
        self.fault = fault
        self.coordinates = coordinates
    }
}

/// Runs checks on cases. A model error (a thrown `ConfigurationError`) is a failed check, never a crash.
public enum Verifier {
    /// Runs `check` on case `c`; a thrown model error becomes a failed result.
    public static func run(_ c: VerificationCase, check: CheckKind, settings: VerificationSettings = .init()) -> CheckResult {
        do {
            switch check {
            case .replay:
                return try FiniteDifferenceCheck.run(c, replay: true, step: settings.step, fault: settings.fault,
                                                     coordinates: settings.coordinates)
            case .free:
                return try FiniteDifferenceCheck.run(c, replay: false, step: settings.step, fault: settings.fault,
                                                     coordinates: settings.coordinates)
            case .fast:
                return try DirectionalCheck.run(c, directions: settings.directions, step: settings.step, fault: settings.fault)
            case .denseEquivalence: return try DenseEquivalenceCheck.run(c, masked: false, fault: settings.fault)
            case .maskedEquivalence: return try DenseEquivalenceCheck.run(c, masked: true, fault: settings.fault)
            case .structural: return try StructuralCheck.run(c, fault: settings.fault)
            case .floatAgreement: return try FloatAgreementCheck.run(c, fault: settings.fault)
            }
        } catch {
            return CheckResult(check: check, verificationCase: c, passed: false, worst: nil, compared: 0,
                               notes: ["error: \(error)"])
        }
    }

    /// Runs each of `checks` on case `c`.
    public static func run(_ c: VerificationCase, checks: [CheckKind], settings: VerificationSettings = .init()) -> [CheckResult] {
        checks.map { run(c, check: $0, settings: settings) }
    }

    /// Does any check catch `fault` on this case? (The sensitivity measure.)
    public static func detects(_ fault: GradientFault, on c: VerificationCase, checks: [CheckKind] = CheckKind.allCases,
                               settings: VerificationSettings = .init()) -> Bool {
        var s = settings
        s.fault = fault
        return checks.contains { !run(c, check: $0, settings: s).passed }
    }
}
