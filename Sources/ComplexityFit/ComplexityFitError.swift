/// Why a series cannot be fitted. Every case names the offending value and the valid range,
/// so a report can print `error.description` as it is.
public enum ComplexityFitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer distinct sizes than the fit needs (two parameters plus at least two residual degrees of freedom).
    case tooFewSizes(found: Int, required: Int)
    /// `sizes` and `replicates` have different lengths.
    case mismatchedLengths(sizes: Int, replicateGroups: Int)
    /// A size N that is zero or negative.
    case nonPositiveSize(index: Int, size: Int)
    /// The same N listed twice.
    case duplicateSize(size: Int)
    /// A size with no replicate values.
    case noReplicates(size: Int)
    /// A replicate that is NaN or infinite.
    case nonFiniteValue(size: Int, replicate: Int, value: Double)
    /// A replicate that is zero or negative (times and byte counts are strictly positive).
    case nonPositiveValue(size: Int, replicate: Int, value: Double)
    /// A `FitOptions` field outside its range.
    case invalidOption(name: String, value: Double, validRange: String)
    /// A size asked of `predict` that is not a positive integer.
    case invalidPredictionSize(size: Int)
    /// GSL reported an error status.
    case gsl(function: String, status: Int32, reason: String)

    /// The problem in words, naming the bad value and what is valid.
    public var description: String {
        switch self {
        case let .tooFewSizes(found, required):
            return "only \(found) distinct size(s) given; a complexity fit needs at least \(required) distinct sizes N > 0"
        case let .mismatchedLengths(sizes, groups):
            return "\(sizes) sizes but \(groups) replicate groups; the two lists must have the same length"
        case let .nonPositiveSize(index, size):
            return "size N = \(size) at position \(index) is not positive; sizes must be integers N >= 1"
        case let .duplicateSize(size):
            return "size N = \(size) appears more than once; sizes must be distinct (merge its replicates)"
        case let .noReplicates(size):
            return "size N = \(size) has no replicate values; each size needs at least 1 value"
        case let .nonFiniteValue(size, replicate, value):
            return "value \(value) at N = \(size), replicate \(replicate) is not finite; values must be finite and > 0"
        case let .nonPositiveValue(size, replicate, value):
            return "value \(value) at N = \(size), replicate \(replicate) is not positive; values must be finite and > 0"
        case let .invalidOption(name, value, range):
            return "option \(name) = \(value) is out of range; valid range: \(range)"
        case let .invalidPredictionSize(size):
            return "prediction size N = \(size) is not positive; sizes must be integers N >= 1"
        case let .gsl(function, status, reason):
            return "GSL \(function) failed with status \(status): \(reason)"
        }
    }

    /// Equality that treats two NaN payloads as equal, so tests can compare whole errors.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.description == rhs.description
    }
}
