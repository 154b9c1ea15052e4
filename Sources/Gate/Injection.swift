@_spi(FaultInjection) import MemoryModels

/// The regressions the gate must catch (`samkit gate --inject`, `samkit gate --power`): every
/// performance fault of the models' one injection seam (`MemoryModels/FaultInjection.swift`), a
/// wrong gradient term, the forward change in usage order, and the SDNC's own faults (its link
/// update, precedence, read-mode mixing and link read path, `GradientFault.sdncFaults`, and the two
/// of its full link-gradient backward, `GradientFault.sdncFullGradientFaults`).
public enum Injection: Hashable, Sendable, CaseIterable, RawRepresentable {
    case performance(PerformanceFault)
    case gradient(GradientFault)

    public static var allCases: [Injection] {
        PerformanceFault.allCases.map { .performance($0) } + [.gradient(.dropWriteGateTerm), .gradient(.unsortedUsageOrder)]
            + (GradientFault.sdncFaults + GradientFault.sdncFullGradientFaults).map { .gradient($0) }
    }

    /// The fault's own name; the dropped write-gate term is called "wrong-gradient" (issue 6's name).
    public var rawValue: String {
        switch self {
        case let .performance(fault): fault.rawValue
        case .gradient(.dropWriteGateTerm): "wrong-gradient"
        case let .gradient(fault): fault.rawValue
        }
    }

    public init?(rawValue: String) {
        guard let found = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = found
    }

    public var performanceFault: PerformanceFault? {
        if case let .performance(fault) = self { return fault }
        return nil
    }

    public var gradientFault: GradientFault? {
        if case let .gradient(fault) = self { return fault }
        return nil
    }

    /// Whether the gradient checks (verification cases) can see it; the performance injections
    /// never reach the verification models.
    public var reachesGradientChecks: Bool { gradientFault != nil }
}
