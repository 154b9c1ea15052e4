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

    /// Runs the case (training forward, backward) and writes DIR/case.json atomically; returns the path.
    @discardableResult
    public static func dump(_ c: VerificationCase, to directory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent(fileName)
        try AtomicFile.writeJSON(try make(c), to: path)
        return path
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
            format: formatName, version: 1, model: c.model, seed: c.seed, configuration: cf, steps: t,
            initialMemory: memory, parameters: parameters,
            inputs: Tensor(shape: [t, cf.inputSize], values: episode.inputs),
            targets: Tensor(shape: [t, cf.outputSize], values: episode.targets),
            mask: Tensor(shape: [t], values: episode.mask),
            outputs: Tensor(shape: [t, cf.outputSize], values: result.outputs), loss: result.loss,
            gradients: gradients, inputGradient: Tensor(shape: [t, cf.inputSize], values: dx),
            decisions: model.decisions.steps)
    }
}
