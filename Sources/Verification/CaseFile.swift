import Foundation
import OutputFiles
import MemoryModels
import SAMNumerics

/// A row-major tensor in a case file: its shape and its values (product(shape) of them).
public struct Tensor: Codable, Sendable, Equatable {
    /// The dimensions, outermost first.
    public let shape: [Int]
    /// product(shape) values, row-major.
    public let values: [Double]
    /// A tensor; the shape is checked against the values when a case file is read.
    public init(shape: [Int], values: [Double]) {
        self.shape = shape
        self.values = values
    }
}

/// The precision a case's values were computed in (`precision` in a case file; absent: float64).
public enum CasePrecision: String, Codable, Sendable, CaseIterable {
    /// Values of a float32 implementation, written as they are (widened exactly to float64): judged
    /// with the Float-derived bound (`FloatBound`, Proofs/float-precision.md).
    case float32
    /// Values of a float64 implementation: judged norm-wise to `CaseCheck.relativeTolerance`.
    case float64
}

/// One case as JSON, for independent implementations (NumPy, JAX, PyTorch): everything needed to
/// recompute the loss and every gradient, and every result to compare with. Format in README.md,
/// "Case files". Row indices are 0-based; tensors are row-major with their shapes stated.
public struct CaseFile: Codable, Sendable {
    /// Always "samkit-case".
    public var format: String
    /// Format version, 1.
    public var version: Int
    /// `sam` or `dam`.
    public var model: ModelKind
    /// The generator seed the case came from.
    public var seed: UInt64
    /// float32 or float64 (nil, the field absent: float64).
    public var precision: CasePrecision?
    /// The sizes, the loss, the index, the access threshold δ and ε.
    public var configuration: ModelConfiguration
    /// Sequence length T.
    public var steps: Int
    /// M_0, [N, W].
    public var initialMemory: Tensor
    /// SPEC names → values: lstm.Wx [4H, X+R*W], lstm.Wh [4H, H], lstm.b [4H], interface.W [R*(2W+3), H],
    /// interface.b [R*(2W+3)], output.W [Y, H+R*W], output.b [Y].
    public var parameters: [String: Tensor]
    /// x [T, X], targets [T, Y], mask [T] (0 or 1).
    public var inputs: Tensor, targets: Tensor, mask: Tensor
    /// y [T, Y] and the loss (summed over output units and masked steps).
    public var outputs: Tensor
    /// The loss L.
    public var loss: Double
    /// dL/dθ under the same SPEC names and shapes as `parameters`.
    public var gradients: [String: Tensor]
    /// dL/dx, [T, X].
    public var inputGradient: Tensor
    /// Per step t = 1...T: leastUsed u_1..u_R (R rows), selected S_1..S_R (R lists of K rows, best first;
    /// empty for DAM, which reads every row).
    public var decisions: [StepDecisions]

    /// The `format` every case file holds.
    public static let formatName = "samkit-case"
    /// The file name inside a case directory.
    public static let fileName = "case.json"

    /// The precision the values are judged in (`precision`, float64 when absent).
    public var judgedPrecision: CasePrecision { precision ?? .float64 }

    /// Runs the case (training forward, backward) in `precision` (float64: the Double model, `make`;
    /// float32: the Float model, `makeFloat`) and writes DIR/case.json atomically; returns the path.
    @discardableResult
    public static func dump(_ c: VerificationCase, to directory: String, precision: CasePrecision = .float64) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent(fileName)
        try AtomicFile.writeJSON(try precision == .float32 ? makeFloat(c) : make(c), to: path)
        return path
    }

    /// The float32 case file of a case: the Float model (`FloatRun`) runs its own forward (its own
    /// decisions) and backward at the case's point rounded to Float; every value is the Float one
    /// widened exactly, and `precision` is float32.
    public static func makeFloat(_ c: VerificationCase) throws -> CaseFile {
        let run = try FloatRun(c), cf = c.configuration, t = run.mask.count
        var parameters: [String: Tensor] = [:], gradients: [String: Tensor] = [:]
        for (s, gradient) in zip(run.model.parameters.slices, run.blocks.dropFirst(2)) {
            parameters[s.name] = Tensor(shape: s.shape, values: Array(run.parameters[s.offset..<(s.offset + s.count)]))
            gradients[s.name] = Tensor(shape: s.shape, values: gradient)
        }
        return CaseFile(
            format: formatName, version: 1, model: c.model, seed: c.seed, precision: .float32, configuration: cf, steps: t,
            initialMemory: Tensor(shape: [cf.memoryWords, cf.wordSize], values: run.memory), parameters: parameters,
            inputs: Tensor(shape: [t, cf.inputSize], values: run.inputs),
            targets: Tensor(shape: [t, cf.outputSize], values: run.targets), mask: Tensor(shape: [t], values: run.mask),
            outputs: Tensor(shape: [t, cf.outputSize], values: run.blocks[1]), loss: run.blocks[0][0],
            gradients: gradients, inputGradient: Tensor(shape: [t, cf.inputSize], values: run.blocks.last!),
            decisions: run.decisions.steps)
    }

    /// The case file of a case; `episode` (e.g. a mask with zeros) and `initialMemory` (N x W) replace
    /// the case's own when given.
    public static func make(_ c: VerificationCase, episode given: Episode<Double>? = nil,
                            initialMemory: [Double]? = nil) throws -> CaseFile {
        let model = try c.makeModel(), episode = try given ?? c.episode(), cf = c.configuration
        model.reset()
        if let initialMemory { DecisionAudit.start(model, memory: initialMemory) }
        let memory = Tensor(shape: [cf.memoryWords, cf.wordSize], values: model.memory.snapshot())
        let result = try model.forward(episode, mode: .training, replay: nil)
        let dx = try model.backward(outputGradient: nil)
        let t = episode.steps
        var parameters: [String: Tensor] = [:], gradients: [String: Tensor] = [:]
        for s in model.parameters.slices {
            parameters[s.name] = Tensor(shape: s.shape, values: Array(model.parameters[s.name]))
            gradients[s.name] = Tensor(shape: s.shape, values: Array(model.parameters.gradient(s.name)))
        }
        return CaseFile(
            format: formatName, version: 1, model: c.model, seed: c.seed, precision: nil, configuration: cf, steps: t,
            initialMemory: memory, parameters: parameters,
            inputs: Tensor(shape: [t, cf.inputSize], values: episode.inputs),
            targets: Tensor(shape: [t, cf.outputSize], values: episode.targets),
            mask: Tensor(shape: [t], values: episode.mask),
            outputs: Tensor(shape: [t, cf.outputSize], values: result.outputs), loss: result.loss,
            gradients: gradients, inputGradient: Tensor(shape: [t, cf.inputSize], values: dx),
            decisions: model.decisions.steps)
    }
}
