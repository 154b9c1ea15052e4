import Foundation
import OutputFiles

/// A usage or input error of the gate (exit 2).
public enum GateError: Error, CustomStringConvertible, Equatable {
    case baseline(path: String, field: String, problem: String)
    case option(name: String, value: String, valid: String)
    case measurement(String)
    /// `--update` or `--init` would write a baseline in which these checks regressed.
    case refused(checks: [String])

    public var description: String {
        switch self {
        case let .baseline(path, field, problem):   // a decoding problem starts " = value: ..." or " is ..."
            "baseline \(path): field \(field)" + (problem.hasPrefix(" ") ? problem : ": \(problem)")
        case let .option(name, value, valid): "--\(name) \(value) is not valid (valid: \(valid))"
        case let .measurement(text): "measurement failed: \(text)"
        case let .refused(checks):
            "baseline not written: \(checks.count) checks regressed (\(checks.joined(separator: "; "))); name each with "
                + "--accept-regression CHECK --reason TEXT to accept it (the reason is kept in the baseline)"
        }
    }

    /// A baseline that does not decode, rendered by the one decoding-error text (`InputErrorText.parts`):
    /// the field, the bad value and what is valid, with every enumeration's accepted values.
    static func describe(_ e: DecodingError, path: String, input: Data? = nil) -> GateError {
        let (field, problem) = InputErrorText.parts(e, input: input, accepted: Baseline.acceptedValues)
        return .baseline(path: path, field: field ?? "(file)", problem: problem)
    }
}

enum GateFormat {
    /// 16384 → "2^14"; other sizes as decimals.
    static func size(_ n: Int) -> String {
        n > 0 && n & (n - 1) == 0 ? "2^\(n.trailingZeroBitCount)" : "\(n)"
    }
    /// Bytes in KiB/MiB/GiB.
    static func bytes(_ x: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB"]
        var v = x, u = 0
        while abs(v) >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        return u == 0 ? "\(Int(v)) B" : String(format: "%.1f %@", v, units[u])
    }
    static func number(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e9 { return String(Int(x)) }
        if abs(x) >= 100 { return String(format: "%.1f", x) }
        if abs(x) >= 0.01 { return String(format: "%.3f", x) }
        return String(format: "%.3g", x)
    }
}
