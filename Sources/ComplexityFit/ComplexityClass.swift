import Foundation

/// A candidate asymptotic class. Every class except `.constant` is fitted as y = a + b·g(N),
/// with a free intercept a (fixed overhead) and growth coefficient b; `.constant` is y = a.
/// Logarithms are base 2, so b of `.logN` is the cost per doubling of N.
public enum ComplexityClass: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    case constant = "O(1)"
    case logN = "O(log N)"
    case linear = "O(N)"
    case nLogN = "O(N log N)"
    case quadratic = "O(N^2)"

    /// The growth term g(N); `nil` for the constant class, which has no growth term.
    public func growth(_ n: Double) -> Double? {
        switch self {
        case .constant: return nil
        case .logN: return log2(n)
        case .linear: return n
        case .nLogN: return n * log2(n)
        case .quadratic: return n * n
        }
    }

    /// Number of regression coefficients: 1 for y = a, 2 for y = a + b·g(N).
    public var coefficientCount: Int { self == .constant ? 1 : 2 }

    /// Classes in order of increasing growth; ties in the criterion go to the earlier (simpler) one.
    public var order: Int { Self.allCases.firstIndex(of: self)! }

    /// "O(N log N)" and so on.
    public var description: String { rawValue }
}
