import SAMNumerics

/// Whether a forward pass keeps what its backward pass needs.
public enum ForwardMode: Sendable {
    /// Keep the tape (and SAM's journal) so `backward` can run.
    case training
    /// Keep nothing: no tape, no journal (inference).
    case inference
}

/// Outputs and loss of one forward pass.
public struct ForwardResult<Scalar: ModelScalar>: Sendable {
    /// y_t for every step, T x Y row-major.
    public let outputs: [Scalar]
    /// The loss of SPEC "Decisions": summed over output units and masked steps.
    public let loss: Scalar
}

/// What SAM and DAM both promise: a stateful memory model with a truncated-BPTT forward over an
/// episode and a hand-written backward over the same episode.
///
/// State (memory, controller state, usage) carries from one `forward` to the next; `reset()`
/// returns to M_0 and zero state. `backward` may be called any number of times after a training
/// forward and gives bit-identical results; it leaves the memory exactly as the forward left it.
public protocol MemoryModel<Scalar>: AnyObject {
    associatedtype Scalar: ModelScalar
    var configuration: ModelConfiguration { get }
    var parameters: ParameterStore<Scalar> { get }
    /// M_t, N x W.
    var memory: MemoryMatrix<Scalar> { get }
    /// Back to M_0, zero controller state, the initial ring.
    func reset()
    /// Runs the episode. With `replay`, the discrete decisions (least-used rows, selected rows) are
    /// taken from it instead of being computed; DAM reads only the replayed rows (a masked DAM).
    func forward(_ episode: Episode<Scalar>, mode: ForwardMode,
                 replay: RecordedDecisions?) throws(ConfigurationError) -> ForwardResult<Scalar>
    /// Gradients of the last training forward. `outputGradient` (T x Y) replaces dL/dy when given.
    /// Fills `parameters.gradients` and returns dL/dx_t (T x X).
    func backward(outputGradient: [Scalar]?) throws(ConfigurationError) -> [Scalar]
    /// Decisions of the last forward.
    var decisions: RecordedDecisions { get }
    /// Bytes held for the backward pass: tape plus journal (plus DAM's memory copies).
    var backwardRecordBytes: Int { get }
    /// Test-only: a fault to inject (`FaultInjection.swift`; visible only through `@_spi(FaultInjection)`).
    @_spi(FaultInjection) var fault: GradientFault? { get set }
}

extension MemoryModel {
    public func forward(_ episode: Episode<Scalar>, mode: ForwardMode = .training) throws(ConfigurationError) -> ForwardResult<Scalar> {
        try forward(episode, mode: mode, replay: nil)
    }
    public func backward() throws(ConfigurationError) -> [Scalar] { try backward(outputGradient: nil) }
}

/// Fills M_0 as the configuration says. Specialised for Float and Double: called unspecialised from a
/// model instantiated in another module, the generic draw cost ~1 µs per scalar (DAM's reset).
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func initialise<Scalar: ModelScalar>(_ memory: MemoryMatrix<Scalar>, _ c: ModelConfiguration) {
    switch c.memoryInitialisation {
    case .zeros: memory.zero()
    case let .uniform(scale, seed):
        var rng = SeededGenerator(seed: seed)
        let storage = memory.storage, bound = Scalar(scale)
        for i in 0..<storage.count { storage[i] = rng.uniform(bound) }
    case let .values(v):
        let storage = memory.storage
        for i in 0..<storage.count { storage[i] = Scalar(v[i]) }
    }
}

/// Checks replayed decisions against the configuration and the episode length.
func validate(replay: RecordedDecisions, steps: Int, _ c: ModelConfiguration, sparse: Bool) throws(ConfigurationError) {
    if replay.steps.count != steps {
        throw .outOfRange(field: "replay.steps", value: "\(replay.steps.count)", valid: "T = \(steps)")
    }
    for (t, d) in replay.steps.enumerated() {
        if d.leastUsed.count != c.heads || Set(d.leastUsed).count != c.heads
            || d.leastUsed.contains(where: { !(0..<c.memoryWords).contains($0) }) {
            throw .outOfRange(field: "replay.steps[\(t)].leastUsed", value: "\(d.leastUsed)",
                              valid: "R = \(c.heads) distinct rows in 0..<\(c.memoryWords)")
        }
        if !sparse && d.selected.isEmpty { continue }
        if d.selected.count != c.heads || d.selected.contains(where: {
            $0.count != c.neighbours || Set($0).count != $0.count || $0.contains { !(0..<c.memoryWords).contains($0) }
        }) {
            throw .outOfRange(field: "replay.steps[\(t)].selected", value: "\(d.selected)",
                              valid: "R = \(c.heads) lists of K = \(c.neighbours) distinct rows in 0..<\(c.memoryWords)")
        }
    }
}

/// Checks that an episode has the configuration's input and output sizes.
func validate<Scalar: ModelScalar>(episode: Episode<Scalar>, _ c: ModelConfiguration) throws(ConfigurationError) {
    if episode.inputs.count != episode.steps * c.inputSize || episode.targets.count != episode.steps * c.outputSize {
        throw .outOfRange(field: "episode", value: "\(episode.inputs.count) inputs, \(episode.targets.count) targets",
                          valid: "T x X and T x Y for X = \(c.inputSize), Y = \(c.outputSize)")
    }
}

/// The episode a backward pass differentiates: the last training forward's, with `upstream` (if any) of shape T x Y.
func recordedEpisode<Scalar: ModelScalar>(_ episode: Episode<Scalar>?, steps: Int, upstream: [Scalar]?,
                                          _ c: ModelConfiguration) throws(ConfigurationError) -> Episode<Scalar> {
    guard let episode, steps == episode.steps else {
        throw .outOfRange(field: "backward", value: "no training forward recorded",
                          valid: "call forward(_:mode: .training) first")
    }
    if let upstream, upstream.count != episode.steps * c.outputSize {
        throw .outOfRange(field: "outputGradient", value: "\(upstream.count) values",
                          valid: "T x Y = \(episode.steps * c.outputSize)")
    }
    return episode
}

/// dL/dy of one step: the loss gradient under the step's mask, or the caller's upstream gradient.
func outputGradient<Scalar: ModelScalar>(step t: Int, _ c: ModelConfiguration, y: UnsafePointer<Scalar>,
                                         episode: Episode<Scalar>, upstream: [Scalar]?,
                                         into dy: UnsafeMutablePointer<Scalar>) {
    let n = c.outputSize
    if let upstream {
        for o in 0..<n { dy[o] = upstream[t * n + o] }
    } else {
        episode.targets.withUnsafeBufferPointer { targets in
            Loss.gradient(c.loss, y, targets.baseAddress! + t * n, count: n, weight: episode.mask[t], into: dy)
        }
    }
}
