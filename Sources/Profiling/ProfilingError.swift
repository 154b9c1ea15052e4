/// A rejected profiling input or a failed measurement. Every case names the offending value and,
/// for inputs, the valid range, so the command-line message says what to change.
public enum ProfilingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A `--sizes` entry that is not an integer (or `2^k`).
    case nonNumericSize(entry: String)
    /// A memory size N outside the valid range.
    case sizeOutOfRange(size: Int, valid: ClosedRange<Int>)
    /// The same N listed twice.
    case duplicateSize(size: Int)
    /// Fewer distinct sizes than a complexity fit needs.
    case tooFewSizes(found: Int, required: Int)
    /// An unknown model name.
    case unknownModel(name: String, valid: [String])
    /// The same model listed twice, or none at all.
    case badModelList(value: String, reason: String)
    /// A count option (steps, repeats, warm-up, timeout) outside its range.
    case optionOutOfRange(name: String, value: String, valid: String)
    /// A measurements file that cannot be read or decoded.
    case unreadableMeasurements(path: String, reason: String)
    /// A worker process (one model at one N) that failed.
    case workerFailed(model: String, size: Int, reason: String)
    /// A measurements file whose content is out of range (see `MeasurementSet.validate`).
    case invalidMeasurement(field: String, value: String, valid: String)
    /// A file that could not be written.
    case writeFailed(path: String, reason: String)
    /// gnuplot failed or is missing.
    case plotFailed(reason: String)

    /// The message: what, which file or field, and what is valid.
    public var description: String {
        switch self {
        case let .nonNumericSize(entry):
            "size '\(entry)' is not a number; sizes are integers N >= 1 (or powers written 2^k), comma-separated"
        case let .sizeOutOfRange(size, valid):
            "size N = \(size) is out of range; valid range: \(valid.lowerBound)...\(valid.upperBound)"
        case let .duplicateSize(size):
            "size N = \(size) is listed more than once; sizes must be distinct"
        case let .tooFewSizes(found, required):
            "only \(found) distinct size(s) given; a complexity fit needs at least \(required) distinct sizes"
        case let .unknownModel(name, valid):
            "unknown model '\(name)'; valid models: \(valid.joined(separator: ", "))"
        case let .badModelList(value, reason):
            "model list '\(value)' is invalid: \(reason)"
        case let .optionOutOfRange(name, value, valid):
            "\(name) = \(value) is out of range; valid range: \(valid)"
        case let .unreadableMeasurements(path, reason):
            "cannot read measurements from \(path): \(reason)"
        case let .workerFailed(model, size, reason):
            "\(model) at N = \(size) failed: \(reason)"
        case let .invalidMeasurement(field, value, valid):
            "invalid measurements: \(field) = \(value); valid: \(valid)"
        case let .writeFailed(path, reason):
            "cannot write \(path): \(reason)"
        case let .plotFailed(reason):
            "gnuplot failed: \(reason)"
        }
    }
}

import OutputFiles

extension ProfilingError {
    /// A failed file write (a `FileWriteError` from `AtomicFile`), as a profiling error.
    init(writing path: String, _ error: any Error) {
        if let e = error as? FileWriteError { self = .writeFailed(path: e.path, reason: e.reason) }
        else { self = .writeFailed(path: path, reason: "\(error)") }
    }
}
