import SAMNumerics

/// Dense Access Memory (SPEC "One time step", dense variant): each head reads all N rows through a
/// softmax over every row, and writes through dense weights. Its backward keeps a copy of M_t and the
/// dense weights per step, O(N*W) per step: the honest dense baseline SAM is measured against.
///
/// With replayed decisions whose `selected` lists are non-empty, the softmax of head j is restricted
/// to those rows (a masked DAM): the dense computation of a SAM step with the same selection.
///
/// Per-step record, after the controller's fields (`ControllerLayout`): M_t (N*W), similarities
/// s_j(i) (R*N), read weights wR_j(i) (R*N); indices: u_j (R).
public final class DAM<Scalar: ModelScalar>: MemoryModel {
    public let configuration: ModelConfiguration
    public let parameters: ParameterStore<Scalar>
    public let memory: MemoryMatrix<Scalar>
    @_spi(FaultInjection) public var fault: GradientFault?

    let layout: ControllerLayout
    let controller: Controller<Scalar>
    let n: Int
    let epsilon: Scalar
    let memoryOffset: Int, similarityOffset: Int, weightOffset: Int
    let tape: Tape<Scalar>
    var recording = false
    var episode: Episode<Scalar>?
    /// u_j of every step of the last forward (T x R), and the replay it followed (its `selected` lists).
    var recordedLeastUsed: [Int32] = []
    var recordedReplay: RecordedDecisions?
    /// The last outputs and input gradients returned, refilled in place (`resize`).
    var outputs: [Scalar] = [], inputGradient: [Scalar] = []

    var state: RecurrentState
    var segmentStart: RecurrentState
    public private(set) var ring: LeastRecentlyUsedRing
    public private(set) var lastAccess: [Int]
    var time = 0

    let scratch = Scratch<Scalar>()
    let scratchRecord: UnsafeMutablePointer<Scalar>
    let scratchIndices: UnsafeMutablePointer<Int32>
    /// wW_j(i) (R*N), ‖M(i)‖_ε (N), a per-row vector (N), and which rows head j may read (R*N).
    let writeWeights: UnsafeMutablePointer<Scalar>, rowNorms: UnsafeMutablePointer<Scalar>
    let rowVector: UnsafeMutablePointer<Scalar>
    /// R x N scratch of the backward pass (dL/dwR_j, then dL/dwW_j, for all heads at once).
    let headRows: UnsafeMutablePointer<Scalar>
    var included: [Bool]
    var leastUsed: [Int] = []
    lazy var gradientMemory = MemoryMatrix<Scalar>(rows: n, width: configuration.wordSize)
    lazy var backwardScratch = BackwardScratch<Scalar>(configuration, readWidth: n)

    /// h, cell, r and the previous dense read weights (R*N; all zero before the first step).
    struct RecurrentState: ControllerState {
        var h: [Scalar], cell: [Scalar], read: [Scalar], previousWeights: [Scalar]
        init(_ c: ModelConfiguration) {
            h = Array(repeating: 0, count: c.hidden)
            cell = Array(repeating: 0, count: c.hidden)
            read = Array(repeating: 0, count: c.heads * c.wordSize)
            previousWeights = Array(repeating: 0, count: c.heads * c.memoryWords)
        }
        /// A copy of `other` in this state's own storage (no allocation in steady state).
        mutating func assign(from other: Self) {
            copyControllerState(from: other)
            copyElements(&previousWeights, from: other.previousWeights)
        }
    }

    public init(configuration c: ModelConfiguration) {
        configuration = c
        parameters = ParameterStore(configuration: c)
        memory = MemoryMatrix(rows: c.memoryWords, width: c.wordSize)
        layout = ControllerLayout(c)
        controller = Controller(layout: layout)
        n = c.memoryWords
        epsilon = Scalar(c.epsilon)
        memoryOffset = layout.count
        similarityOffset = memoryOffset + n * c.wordSize
        weightOffset = similarityOffset + c.heads * n
        tape = Tape(scalarsPerStep: weightOffset + c.heads * n, indicesPerStep: c.heads)
        state = RecurrentState(c)
        segmentStart = state
        ring = LeastRecentlyUsedRing(count: n)
        lastAccess = Array(repeating: 0, count: n)
        scratchRecord = scratch.vector(tape.scalarsPerStep)
        scratchIndices = .allocate(capacity: c.heads)
        writeWeights = scratch.vector(c.heads * n)
        rowNorms = scratch.vector(n)
        rowVector = scratch.vector(n)
        headRows = scratch.vector(c.heads * n)
        included = Array(repeating: true, count: c.heads * n)
        reset()
    }

    deinit { scratchIndices.deallocate() }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func reset() {
        initialise(memory, configuration)
        state = RecurrentState(configuration)
        segmentStart = RecurrentState(configuration)   // its own storage: `assign` then never copies on write
        ring = LeastRecentlyUsedRing(count: n)
        lastAccess = Array(repeating: 0, count: n)
        time = 0
        tape.removeAll()
        recordedLeastUsed.removeAll(keepingCapacity: true)
        recordedReplay = nil
        episode = nil
    }

    public var backwardRecordBytes: Int { tape.byteSize }

    public var decisions: RecordedDecisions {
        let r = configuration.heads
        return RecordedDecisions(steps: (0..<(recordedLeastUsed.count / r)).map { t in
            StepDecisions(leastUsed: (0..<r).map { Int(recordedLeastUsed[t * r + $0]) },
                          selected: recordedReplay?.steps[t].selected ?? [])
        })
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ episode: Episode<Scalar>, mode: ForwardMode = .training,
                        replay: RecordedDecisions? = nil) throws(ConfigurationError) -> ForwardResult<Scalar> {
        let c = configuration
        if let replay { try validate(replay: replay, steps: episode.steps, c, sparse: false) }
        try validate(episode: episode, c)
        recording = mode == .training
        tape.removeAll()
        if recording { tape.reserve(steps: episode.steps) }
        recordedLeastUsed.removeAll(keepingCapacity: true)
        recordedReplay = replay
        segmentStart.assign(from: state)
        self.episode = recording ? episode : nil
        let p = ParameterPointers(parameters, gradients: false)
        resize(&outputs, to: episode.steps * c.outputSize)
        var loss: Scalar = 0
        for t in 0..<episode.steps {
            let (record, indices) = recording ? tape.appendStep() : (scratchRecord, scratchIndices)
            episode.inputs.withUnsafeBufferPointer { x in
                controller.beginStep(p, record: record, input: x.baseAddress! + t * c.inputSize,
                                     h: state.h, cell: state.cell, read: state.read)
            }
            time += 1
            write(record: record, indices: indices, replay: replay?.steps[t])
            read(record: record, replay: replay?.steps[t])
            loss += controller.endStep(p, record: record, step: t, loss: c.loss, episode: episode, outputs: &outputs)
            updateUsage(record: record)
            for u in leastUsed { recordedLeastUsed.append(Int32(u)) }
            layout.carry(record, into: &state)
            state.previousWeights.withUnsafeMutableBufferPointer {
                $0.baseAddress!.update(from: record + weightOffset, count: c.heads * n)
            }
        }
        return ForwardResult(outputs: outputs, loss: loss)
    }

    /// SPEC step 4, dense: wW_j = α_j (γ_j wR_{t-1,j} + (1 − γ_j) e_{u_j}) over all N rows; erase the
    /// rows u_j, then M += WWᵀ A, one BLAS gemm (WW: R x N weights, A: R x W write vectors), O(R*N*W).
    private func write(record: UnsafeMutablePointer<Scalar>, indices: UnsafeMutablePointer<Int32>, replay: StepDecisions?) {
        let c = configuration, w = c.wordSize, stride = c.interfacePerHead
        if let replay { leastUsed = replay.leastUsed } else { ring.leastRecentlyUsed(c.heads, into: &leastUsed) }
        for j in 0..<c.heads { indices[j] = Int32(leastUsed[j]) }
        state.previousWeights.withUnsafeBufferPointer { previous in
            for j in 0..<c.heads {
                let head = HeadInterface(xi: record + layout.xi, head: j, width: w)
                let weights = writeWeights + j * n, scale = head.writeGate * head.interpolation
                for i in 0..<n { weights[i] = scale * previous[j * n + i] }
                weights[leastUsed[j]] += head.writeGate * (1 - head.interpolation)
            }
        }
        for u in leastUsed { memory.row(u).zero(w) }
        let m = memory.storage.baseAddress!
        Scalar.gemm(transposeA: true, transposeB: false, m: n, n: w, k: c.heads, alpha: 1, writeWeights, lda: n,
                    record + layout.xi + w + 1, ldb: stride, beta: 1, m, ldc: w)
        if recording { (record + memoryOffset).update(from: m, count: n * w) }
    }

    /// SPEC step 5, dense: s_j(i) for all N rows and all heads at once (S = Q Mᵀ, BLAS gemm), softmax
    /// of β_j s_j over all rows (or the replayed rows), then R = WR M (gemm): r_j = M_tᵀ wR_j.
    private func read(record: UnsafeMutablePointer<Scalar>, replay: StepDecisions?) {
        let c = configuration, w = c.wordSize, m = memory.storage.baseAddress!
        rowNormsOf(UnsafePointer(m))
        Scalar.gemm(transposeA: false, transposeB: true, m: c.heads, n: n, k: w, alpha: 1, record + layout.xi,
                    lda: c.interfacePerHead, m, ldb: w, beta: 0, record + similarityOffset, ldc: n)
        for j in 0..<c.heads {
            let head = HeadInterface(xi: record + layout.xi, head: j, width: w)
            let s = record + similarityOffset + j * n, weights = record + weightOffset + j * n
            let queryNorm = stabilisedNorm(head.query, count: w, epsilon: epsilon)
            for i in 0..<n { s[i] /= queryNorm * rowNorms[i] }
            if let selected = replay?.selected, !selected.isEmpty {
                for i in 0..<n { included[j * n + i] = false }
                for i in selected[j] { included[j * n + i] = true }
                ContentAddressing.softmax(strength: head.strength, similarities: s, count: n, weights: weights,
                                          included: { self.included[j * self.n + $0] })
            } else {
                ContentAddressing.softmax(strength: head.strength, similarities: s, count: n, weights: weights)
            }
        }
        Scalar.gemm(transposeA: false, transposeB: false, m: c.heads, n: w, k: n, alpha: 1, record + weightOffset, lda: n,
                    m, ldb: w, beta: 0, record + layout.read, ldc: w)
    }

    /// ‖M(i)‖_ε of every row of `m` (N x W) into `rowNorms`.
    func rowNormsOf(_ m: UnsafePointer<Scalar>) {
        let w = configuration.wordSize
        for i in 0..<n { rowNorms[i] = stabilisedNorm(m + i * w, count: w, epsilon: epsilon) }
    }

    /// SPEC step 7, dense: every row whose summed read and write weight exceeds δ moves to the back
    /// of the ring, in ascending row order (O(N)).
    private func updateUsage(record: UnsafePointer<Scalar>) {
        let heads = configuration.heads, threshold = Scalar(configuration.accessThreshold)
        for i in 0..<n {
            var total: Scalar = 0
            for j in 0..<heads { total += record[weightOffset + j * n + i] + writeWeights[j * n + i] }
            if total > threshold {
                ring.moveToBack(i)
                lastAccess[i] = time
            }
        }
    }
}
