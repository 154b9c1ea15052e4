import SAMNumerics

/// The bare controller (issue 14, "step time"): the same LSTM, interface projection and output layer
/// as SAM and DAM (`Controller`), with the same parameters and record layout, and no memory. The read
/// vectors r_t are always zero, so c_t = [x_t ; 0] and y_t = Wy [h_t ; 0] + by; the interface ξ_t is
/// computed (and back-propagated with dξ = 0) exactly as SAM computes it, so the step does the same
/// controller work as SAM's and nothing else. It is the floor SAM's step time is compared with.
///
/// Per step: time O(H·(X + R·W + H) + R·(2W+3)·H + Y·(H + R·W)), record `ControllerLayout.count`
/// scalars; nothing depends on N. `memory` is an empty 0 x W matrix.
public final class BareController<Scalar: ModelScalar>: MemoryModel {
    public let configuration: ModelConfiguration
    public let parameters: ParameterStore<Scalar>
    /// No memory: 0 rows.
    public let memory: MemoryMatrix<Scalar>
    @_spi(FaultInjection) public var fault: GradientFault?

    let layout: ControllerLayout
    let controller: Controller<Scalar>
    let tape: Tape<Scalar>
    var state: RecurrentState
    var segmentStart: RecurrentState
    var episode: Episode<Scalar>?
    let scratchRecord: UnsafeMutablePointer<Scalar>
    /// The returned outputs and input gradients, kept so that a caller that drops them lets the next
    /// pass reuse their storage (no allocation per segment in steady state).
    var outputs: [Scalar] = []
    var inputGradient: [Scalar] = []
    lazy var backwardScratch = BackwardScratch<Scalar>(configuration, readWidth: 1)

    /// h, cell and r (always zero).
    struct RecurrentState: ControllerState {
        var h: [Scalar], cell: [Scalar], read: [Scalar]
        init(_ c: ModelConfiguration) {
            h = Array(repeating: 0, count: c.hidden)
            cell = Array(repeating: 0, count: c.hidden)
            read = Array(repeating: 0, count: c.heads * c.wordSize)
        }
    }

    public init(configuration c: ModelConfiguration) {
        configuration = c
        parameters = ParameterStore(configuration: c)
        memory = MemoryMatrix(rows: 0, width: c.wordSize)
        layout = ControllerLayout(c)
        controller = Controller(layout: layout)
        tape = Tape(scalarsPerStep: layout.count, indicesPerStep: 0)
        state = RecurrentState(c)
        segmentStart = RecurrentState(c)   // its own storage: copied into, never shared
        scratchRecord = .allocate(capacity: layout.count)
    }

    deinit { scratchRecord.deallocate() }

    /// Zero controller state, empty tape (O(H + R·W)).
    public func reset() {
        state = RecurrentState(configuration)
        segmentStart = RecurrentState(configuration)
        tape.removeAll()
        episode = nil
    }

    public var backwardRecordBytes: Int { tape.byteSize }

    /// No discrete decisions: one empty entry per recorded step.
    public var decisions: RecordedDecisions {
        RecordedDecisions(steps: Array(repeating: StepDecisions(leastUsed: [], selected: []), count: tape.steps))
    }

    /// SPEC steps 1–3 and 6 with r_t = 0. `replay` has nothing to replay and is ignored.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ episode: Episode<Scalar>, mode: ForwardMode = .training,
                        replay: RecordedDecisions? = nil) throws(ConfigurationError) -> ForwardResult<Scalar> {
        let c = configuration
        try validate(episode: episode, c)
        let recording = mode == .training
        tape.removeAll()
        if recording { tape.reserve(steps: episode.steps) }
        segmentStart.copyControllerState(from: state)
        self.episode = recording ? episode : nil
        let p = ParameterPointers(parameters, gradients: false)
        resize(&outputs, to: episode.steps * c.outputSize)
        var loss: Scalar = 0
        for t in 0..<episode.steps {
            let record = recording ? tape.appendStep().0 : scratchRecord
            episode.inputs.withUnsafeBufferPointer { x in
                controller.beginStep(p, record: record, input: x.baseAddress! + t * c.inputSize,
                                     h: state.h, cell: state.cell, read: state.read)
            }
            (record + layout.read).zero(c.heads * c.wordSize)
            loss += controller.endStep(p, record: record, step: t, loss: c.loss, episode: episode, outputs: &outputs)
            layout.carry(record, into: &state)
        }
        return ForwardResult(outputs: outputs, loss: loss)
    }

    /// The controller's hand-written backward (Proofs/lstm-cell.md, output-layer.md) with dr_t and dξ_t zero.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func backward(outputGradient upstream: [Scalar]? = nil) throws(ConfigurationError) -> [Scalar] {
        let c = configuration
        let episode = try recordedEpisode(episode, steps: tape.steps, upstream: upstream, c)
        parameters.zeroGradients()
        let p = ParameterPointers(parameters, gradients: false), g = ParameterPointers(parameters, gradients: true)
        resize(&inputGradient, to: episode.steps * c.inputSize)
        let v = backwardScratch
        // One call each: an array literal of pointers would allocate.
        v.dh.zero(c.hidden)
        v.dcell.zero(c.hidden)
        v.dc.zero(c.controllerInputSize)
        for t in stride(from: episode.steps - 1, through: 0, by: -1) {
            let record = tape.scalars(t)
            controller.beginBackwardStep(p, g, record: record, step: t, configuration: c, episode: episode,
                                         upstream: upstream, v)
            controller.endBackwardStep(p, g, record: record, previousRecord: t > 0 ? UnsafePointer(tape.scalars(t - 1)) : nil,
                                       segmentStart: segmentStart, step: t, v, inputGradient: &inputGradient, fault: fault)
        }
        fault?.applyAfterBackward(to: parameters)
        return inputGradient
    }
}
