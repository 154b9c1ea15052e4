import Foundation
import MemoryModels
import SAMNumerics

/// An optimiser over a model's `ParameterStore`: one update of `store.values` from
/// `store.gradients` (P scalars each), after clipping the gradient to a global L2 norm.
public protocol Optimiser<Scalar>: AnyObject {
    associatedtype Scalar: ModelScalar
    var kind: OptimiserKind { get }
    /// Updates taken so far.
    var steps: Int { get }
    /// One update; returns the gradient's global L2 norm before clipping.
    @discardableResult func step(_ store: ParameterStore<Scalar>) -> Scalar
    /// Everything a resumed run needs to continue bit for bit: the step count and the buffers.
    var state: OptimiserState { get }
    /// Restores `state`; throws when it has another kind or buffer sizes than this optimiser.
    func restore(_ state: OptimiserState) throws(CheckpointError)
}

/// The optimisers `samkit train --optimizer` names.
public enum OptimiserKind: String, Codable, Sendable, CaseIterable {
    case rmsprop, adam

    /// A fresh optimiser for P = `parameterCount` scalars.
    public func make<Scalar: ModelScalar>(parameterCount: Int, learningRate: Scalar, clipNorm: Scalar?) -> any Optimiser<Scalar> {
        switch self {
        case .adam: Adam<Scalar>(parameterCount: parameterCount, learningRate: learningRate, clipNorm: clipNorm)
        case .rmsprop: RMSProp<Scalar>(parameterCount: parameterCount, learningRate: learningRate, clipNorm: clipNorm)
        }
    }

    /// The default learning rate of each (Adam's paper default; RMSProp as in the NTM and SAM papers).
    public var defaultLearningRate: Double { self == .adam ? 1e-3 : 1e-4 }
}

/// An optimiser's state: kind, step count and its per-parameter buffers (P scalars each), kept
/// exactly (`ExactScalars`).
public struct OptimiserState: Codable, Sendable, Equatable {
    public let kind: OptimiserKind
    public let steps: Int
    public let buffers: [ExactScalars]
}

/// Scales `gradients` in place so their global L2 norm is at most `maxNorm` (nil: no clipping).
/// Returns the norm before clipping.
@_specialize(where Scalar == Float)
public func clipGlobalNorm<Scalar: ModelScalar>(_ gradients: UnsafeMutableBufferPointer<Scalar>, to maxNorm: Scalar?) -> Scalar {
    let norm = Scalar.sqrt(Scalar.dot(gradients.count, gradients.baseAddress!, gradients.baseAddress!))
    if let maxNorm, norm > maxNorm {
        let scale = maxNorm / norm
        for i in gradients.indices { gradients[i] *= scale }
    }
    return norm
}

/// Scalars stored by their bit patterns (Float or Double, widened to Double, which is exact), so a
/// checkpoint restores them bit for bit; encoded as base64 of little-endian 64-bit patterns.
public struct ExactScalars: Codable, Sendable, Equatable {
    public let values: [Double]

    public init<Scalar: ModelScalar>(_ buffer: some Collection<Scalar>) { values = buffer.map { Double($0) } }

    public init(from decoder: any Decoder) throws {
        let data = try decoder.singleValueContainer().decode(Data.self)
        guard data.count % 8 == 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "\(data.count) bytes is not a whole number of 64-bit scalars"))
        }
        values = stride(from: 0, to: data.count, by: 8).map { o in
            Double(bitPattern: data[data.startIndex + o..<data.startIndex + o + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) })
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var data = Data(capacity: values.count * 8)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        var c = encoder.singleValueContainer()
        try c.encode(data)
    }

    /// Writes the values into `buffer` (same count) as `Scalar`.
    func copy<Scalar: ModelScalar>(into buffer: UnsafeMutableBufferPointer<Scalar>) {
        for i in buffer.indices { buffer[i] = Scalar(values[i]) }
    }
}
