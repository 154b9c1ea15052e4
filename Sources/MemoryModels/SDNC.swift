@_spi(FaultInjection) import NearestNeighbours
import SAMNumerics

/// The Sparse Differentiable Neural Computer (SPEC "Sparse DNC", the paper's supplementary D): SAM's
/// sparse write and usage (SPEC steps 4 and 7, the same ring, journal and index), and a read that
/// mixes, per head, the content weighting c_j (SPEC step 5, K rows) with a forward weighting
/// f_j = N_t wR_{t-1,j} and a backward weighting b_j = P_t wR_{t-1,j}, each cut to its K largest
/// entries: wR_j = π_b b_j + π_c c_j + π_f f_j (`ReadModes`). The links and precedence live in a
/// `TemporalLinkStore`: sparse (K_L entries per row, `SparseTemporalLinks`) or the DNC's dense
/// N x N matrices (`DenseTemporalLinks`, the dense-link baseline).
///
/// Per-step record after the controller's fields (`ControllerLayout`, ξ with the 3R mode logits):
/// s_j (R*K), c_j (R*K), π_j (3R), f_j (R*K), b_j (R*K), wR_j (R*3K slots: content, forward,
/// backward), the link entries C^f_j, C^b_j (R*K*3K each); indices: u_j (R), the rows of wR_j's
/// slots (R*3K, −1 for an empty slot). All O(R*K²), independent of N.
///
/// Gradients: `TemporalLinkSettings.Gradient.recorded` (the paper's choice, the default) treats the
/// link entries a read used as recorded state (`StepDecisions.links`); gradients still flow from f_j
/// and b_j into wR_{t-1,j} through those entries. `.full` also carries gradients through N, P and p
/// (`LinkGradient`, the link store's journal). Proofs/sdnc-gradients.md.
public final class SDNC<Scalar: ModelScalar>: MemoryModel, StepWorkCounting {
    public let configuration: ModelConfiguration
    public let parameters: ParameterStore<Scalar>
    public let memory: MemoryMatrix<Scalar>
    public let settings: TemporalLinkSettings
    public private(set) var index: any NearestNeighbourIndex<Scalar>
    @_spi(FaultInjection) public var fault: GradientFault? { didSet { linkFault = fault } }
    /// Free-mode evaluation under recorded-link gradients: the link state of these decisions is held
    /// (as replay holds it) while the least-used and selected rows are recomputed. nil: links are live.
    public var heldLinks: RecordedDecisions?
    /// Rows each stage of the forward and backward steps touched, since creation (`StepWork`, SAM's
    /// fields plus the link work: `linkRowsMerged`, `linkColumnNodes`).
    public internal(set) var work = StepWork()
    /// The most rows each stage touched in any one step since `resetWorkPeak()`.
    public internal(set) var workPeak = StepWork()
    public func resetWorkPeak() { workPeak = StepWork() }
    /// Rows the last `reset()` visited: memory rows restored, rows whose usage was restored, and the
    /// link rows and columns cleared (as SAM's, plus the links).
    public private(set) var lastResetRows = 0

    let layout: ControllerLayout
    let controller: Controller<Scalar>
    let k: Int, slots: Int
    /// Rows one step touches at most: R(3K+1) written (R least used and the R·3K previous reads) and R·3K read.
    var rowsTouchedPerStep: Int { configuration.rowsTouchedPerStep(readSlots: slots) }
    let epsilon: Scalar
    let links: any TemporalLinkStore<Scalar>
    var linkFault: GradientFault? {
        didSet { (links as? SparseTemporalLinks<Scalar>)?.fault = linkFault }
    }
    /// Offsets past the controller's fields (see the type's documentation).
    let similarityOffset, contentOffset, modeOffset, forwardOffset, backwardOffset, weightOffset: Int
    let forwardEntriesOffset, backwardEntriesOffset: Int
    let tape: Tape<Scalar>
    let journal: Journal<Scalar>
    /// What the episode changed since the last reset (memory rows, usage), so `reset()` undoes it in O(rows touched).
    let undo: EpisodeUndoLog<Scalar>
    /// Rows `reset()` hands to the index (capacity reused).
    var restoredRows: [Int] = []
    var recording = false
    var episode: Episode<Scalar>?
    /// The last outputs and input gradients returned, refilled in place (`resize`).
    var outputs: [Scalar] = [], inputGradient: [Scalar] = []

    /// h, cell, r and the previous read wR_{t-1} (R*3K rows and weights; empty before the first step).
    struct RecurrentState: ControllerState {
        var h: [Scalar], cell: [Scalar], read: [Scalar]
        var previousRows: [Int32] = [], previousWeights: [Scalar] = []
        init(_ c: ModelConfiguration) {
            h = Array(repeating: 0, count: c.hidden)
            cell = Array(repeating: 0, count: c.hidden)
            read = Array(repeating: 0, count: c.heads * c.wordSize)
        }
        /// Back to the initial state in place (keeps the arrays' storage).
        mutating func zero() {
            for i in h.indices { h[i] = 0 }
            for i in cell.indices { cell[i] = 0 }
            for i in read.indices { read[i] = 0 }
            previousRows.removeAll(keepingCapacity: true)
            previousWeights.removeAll(keepingCapacity: true)
        }
        /// A copy of `other` in this state's own storage (no allocation in steady state).
        mutating func assign(from other: Self) {
            copyControllerState(from: other)
            copyElements(&previousRows, from: other.previousRows)
            copyElements(&previousWeights, from: other.previousWeights)
        }
    }
    var state: RecurrentState
    var segmentStart: RecurrentState
    public private(set) var ring: LeastRecentlyUsedRing
    public private(set) var lastAccess: [Int]
    var time = 0

    // Scratch, allocated once.
    let scratchRecord: UnsafeMutablePointer<Scalar>
    let scratchIndices: UnsafeMutablePointer<Int32>
    let zeroWeights: UnsafeMutablePointer<Scalar>
    /// The previous read carried into the segment (R*3K rows and weights), for the backward's first step.
    let segmentStartRows: UnsafeMutablePointer<Int32>, segmentStartWeights: UnsafeMutablePointer<Scalar>
    var accessWeight: [Scalar], writeWeight: [Scalar], stamp: [Int]
    var stampValue = 0
    var accessed: [Int] = [], written: [Int] = [], meanWrite: [Scalar] = []
    var leastUsed: [Int] = [], selection: [Int] = [], linkRows: [Int] = []
    lazy var gradientMemory = SparseRowGradient<Scalar>(rows: configuration.memoryWords, width: configuration.wordSize)
    lazy var backwardScratch = BackwardScratch<Scalar>(configuration, readWidth: slots)
    /// The full-gradient backward's adjoints (`TemporalLinkSettings.Gradient.full`).
    lazy var linkGradient = LinkGradient<Scalar>(rows: configuration.memoryWords)

    public init(configuration c: ModelConfiguration) throws(ConfigurationError) {
        guard let settings = c.temporalLinks else {
            throw .outOfRange(field: "temporalLinks", value: "nil", valid: "the SDNC's link settings (K_L, gradient, dense)")
        }
        configuration = c
        self.settings = settings
        parameters = ParameterStore(configuration: c)
        memory = MemoryMatrix(rows: c.memoryWords, width: c.wordSize)
        do {
            index = try makeIndex(kind: c.index, settings: c.indexSettings, epsilon: Scalar(c.epsilon), k: c.neighbours)
        } catch {
            throw .outOfRange(field: "index", value: "\(c.index): \(error)", valid: "a buildable index")
        }
        layout = ControllerLayout(c)
        controller = Controller(layout: layout)
        k = c.neighbours
        slots = 3 * k
        epsilon = Scalar(c.epsilon)
        links = settings.dense ? DenseTemporalLinks<Scalar>(rows: c.memoryWords)
            : SparseTemporalLinks<Scalar>(rows: c.memoryWords, entries: settings.entries)
        let r = c.heads
        similarityOffset = layout.count
        contentOffset = similarityOffset + r * k
        modeOffset = contentOffset + r * k
        forwardOffset = modeOffset + 3 * r
        backwardOffset = forwardOffset + r * k
        weightOffset = backwardOffset + r * k
        forwardEntriesOffset = weightOffset + r * slots
        backwardEntriesOffset = forwardEntriesOffset + r * k * slots
        tape = Tape(scalarsPerStep: backwardEntriesOffset + r * k * slots, indicesPerStep: r + r * slots)
        journal = Journal(width: c.wordSize, maxRows: r * (slots + 1))
        undo = EpisodeUndoLog(rows: c.memoryWords, width: c.wordSize, initialIsZero: c.memoryInitialisation == .zeros)
        state = RecurrentState(c)
        segmentStart = RecurrentState(c)   // its own storage: `assign` then never copies on write
        ring = LeastRecentlyUsedRing(count: c.memoryWords)
        lastAccess = Array(repeating: 0, count: c.memoryWords)
        scratchRecord = .allocate(capacity: tape.scalarsPerStep)
        scratchIndices = .allocate(capacity: tape.indicesPerStep)
        zeroWeights = .allocate(capacity: slots)
        zeroWeights.initialize(repeating: 0, count: slots)
        segmentStartRows = .allocate(capacity: r * slots)
        segmentStartWeights = .allocate(capacity: r * slots)
        accessWeight = Array(repeating: 0, count: c.memoryWords)
        writeWeight = Array(repeating: 0, count: c.memoryWords)
        stamp = Array(repeating: 0, count: c.memoryWords)
        reinitialise()
        // The per-step row lists never grow past their bound, so no step allocates them.
        accessed.reserveCapacity(rowsTouchedPerStep)
        written.reserveCapacity(rowsTouchedPerStep)
        meanWrite.reserveCapacity(rowsTouchedPerStep)
    }

    deinit {
        scratchRecord.deallocate()
        scratchIndices.deallocate()
        zeroWeights.deallocate()
        segmentStartRows.deallocate()
        segmentStartWeights.deallocate()
    }

    /// Back to M_0, the initial ring, empty links and precedence and zero controller state, as SAM's
    /// reset (Proofs/episode-reset.md): the written rows get their M_0 contents back and are re-indexed,
    /// the used rows their ring links and access times; the sparse link store clears only the rows and
    /// columns the episode gave entries (the dense-link baseline clears its N x N matrices). O(rows
    /// touched · W) plus the index's update of those rows; never O(N) with sparse links.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func reset() {
        lastResetRows = undo.undo(memory: memory, index: index, ring: &ring, lastAccess: &lastAccess, rows: &restoredRows) + links.resetRows
        links.reset()
        clearEpisodeState()
    }

    /// The O(N) reset: M_0 from the configuration, the index rebuilt from all rows, a new ring, empty
    /// links. `init` uses it; `reset()` gives the same state in O(rows touched), the index aside (it
    /// follows the restored rows instead of being rebuilt).
    public func reinitialise() {
        initialise(memory, configuration)
        index.build(from: memory)
        ring = LeastRecentlyUsedRing(count: configuration.memoryWords)
        for i in lastAccess.indices { lastAccess[i] = 0 }
        undo.clear()
        links.reset()
        clearEpisodeState()
    }

    /// Zero controller state, no previous read, time 0, empty tape and journals.
    private func clearEpisodeState() {
        state.zero()
        segmentStart.assign(from: state)
        time = 0
        tape.removeAll()
        journal.removeAll()
        links.clearJournal()
        episode = nil
    }

    public var backwardRecordBytes: Int { tape.byteSize + journal.byteSize + links.journalBytes }
    /// Bytes of the link state (N, P, p): O(N·K_L) sparse, O(N²) dense.
    public var linkStateBytes: Int { links.byteSize }

    /// N_t(i, k) (`forward`) or P_t(i, k) as the store holds them now; p_t(i) with `precedence`.
    public func link(forward: Bool, row i: Int, column k: Int) -> Scalar { links.link(forward: forward, row: i, column: k) }
    public func precedence(_ i: Int) -> Scalar { links.precedence(i) }

    public var decisions: RecordedDecisions { recordedDecisions() }

    /// The tape's decisions. Specialised: reached through `any MemoryModel` (free-mode finite
    /// differences read it after every evaluation), the generic Scalar-to-Double conversion of the link
    /// entries cost ~40% of the SDNC's replay and free checks.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func recordedDecisions() -> RecordedDecisions {
        let c = configuration
        return RecordedDecisions(steps: (0..<tape.steps).map { t in
            let ints = tape.indices(t), record = tape.scalars(t)
            func rows(_ j: Int, _ block: Int) -> [Int] { (0..<k).map { Int(ints[c.heads + j * slots + block * k + $0]) } }
            func entries(_ offset: Int, _ j: Int) -> [Double] {
                (0..<(k * slots)).map { Double(record[offset + j * k * slots + $0]) }
            }
            return StepDecisions(
                leastUsed: (0..<c.heads).map { Int(ints[$0]) }, selected: (0..<c.heads).map { rows($0, 0) },
                links: (0..<c.heads).map { j in
                    HeadLinks(forwardRows: rows(j, 1), backwardRows: rows(j, 2),
                              forwardEntries: entries(forwardEntriesOffset, j), backwardEntries: entries(backwardEntriesOffset, j))
                }, linkCuts: links.cuts(step: t))
        })
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ episode: Episode<Scalar>, mode: ForwardMode = .training,
                        replay: RecordedDecisions? = nil) throws(ConfigurationError) -> ForwardResult<Scalar> {
        let c = configuration
        if let replay { try validate(replay: replay, steps: episode.steps, c, sparse: true) }
        if let replay { try validateLinks(replay, steps: episode.steps) }   // no array of the two: no allocation per forward
        if let heldLinks { try validateLinks(heldLinks, steps: episode.steps) }
        try validate(episode: episode, c)
        recording = mode == .training
        tape.removeAll()
        journal.removeAll()
        links.clearJournal()
        links.journaling = recording && settings.gradient == .full   // the full-gradient backward rolls the links back
        links.recordingCuts = links.journaling   // the cuts' kept entries, a decision of that gradient (`StepDecisions.linkCuts`)
        if recording {
            tape.reserve(steps: episode.steps)
            journal.reserve(steps: episode.steps)
        }
        // A step writes R(3K+1) rows and uses those and the R·3K it reads; the links merge as many.
        undo.reserve(steps: episode.steps, rowsPerStep: rowsTouchedPerStep)
        links.reserve(steps: episode.steps, mergesPerStep: c.heads * (slots + 1) + settings.entries)
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
            let workBefore = work
            time += 1
            stampValue += 1
            accessed.removeAll(keepingCapacity: true)
            write(record: record, indices: indices, replay: replay?.steps[t])
            do { try links.update(rows: written, weights: meanWrite, holding: replay?.steps[t].linkCuts) } catch {
                guard case let .outOfRange(field, value, valid) = error else { throw error }
                throw .outOfRange(field: "replay.steps[\(t)].\(field)", value: value, valid: valid)
            }
            read(record: record, indices: indices, replay: replay?.steps[t], held: (replay ?? heldLinks)?.steps[t].links)
            loss += controller.endStep(p, record: record, step: t, loss: c.loss, episode: episode, outputs: &outputs)
            updateUsage()
            (work.linkColumnNodes, work.linkRowsMerged) = links.work
            workPeak.raise(toStepFrom: workBefore, to: work)
            layout.carry(record, into: &state)
            state.previousRows.removeAll(keepingCapacity: true)
            state.previousRows.append(contentsOf: UnsafeBufferPointer(start: indices + c.heads, count: c.heads * slots))
            state.previousWeights.removeAll(keepingCapacity: true)
            state.previousWeights.append(contentsOf: UnsafeBufferPointer(start: record + weightOffset, count: c.heads * slots))
        }
        return ForwardResult(outputs: outputs, loss: loss)
    }

    private func validateLinks(_ d: RecordedDecisions, steps: Int) throws(ConfigurationError) {
        let c = configuration
        guard d.steps.count == steps else {
            throw .outOfRange(field: "replay.steps", value: "\(d.steps.count)", valid: "T = \(steps)")
        }
        for (t, step) in d.steps.enumerated() {
            guard let heads = step.links, heads.count == c.heads, heads.allSatisfy({ h in
                h.forwardRows.count == k && h.backwardRows.count == k && h.forwardEntries.count == k * slots
                    && h.backwardEntries.count == k * slots
                    && (h.forwardRows + h.backwardRows).allSatisfy { (-1..<c.memoryWords).contains($0) }
            }) else {
                throw .outOfRange(field: "replay.steps[\(t)].links", value: "\(step.links.map { "\($0.count) heads" } ?? "nil")",
                                  valid: "R = \(c.heads) heads of K = \(k) forward and backward rows in -1..<N and K x 3K entries each")
            }
            guard let cuts = step.linkCuts else { continue }
            if settings.dense {
                throw .outOfRange(field: "replay.steps[\(t)].linkCuts", value: "present", valid: "absent: dense links cut nothing")
            }
            try cuts.validate(rows: c.memoryWords, entries: settings.entries, field: "replay.steps[\(t)].linkCuts")
        }
    }

    /// Marks `row` as accessed this step (once), zeroing its summed weights the first time.
    private func touch(_ row: Int) {
        work.usageRows += 1
        if stamp[row] != stampValue {
            stamp[row] = stampValue
            accessWeight[row] = 0
            writeWeight[row] = 0
            accessed.append(row)
        }
    }

    /// SPEC step 4 with wR_{t-1,j} on its 3K slots; also w̄W_t = (1/R) Σ_j wW_j on the written rows
    /// (`written`, `meanWrite`) for the link update. Touches at most R*(3K+1) rows, journaled.
    private func write(record: UnsafeMutablePointer<Scalar>, indices: UnsafeMutablePointer<Int32>, replay: StepDecisions?) {
        let c = configuration, w = c.wordSize
        if let replay { leastUsed = replay.leastUsed } else {
            ring.leastRecentlyUsed(c.heads, into: &leastUsed)
            work.lruRows += leastUsed.count
        }
        for j in 0..<c.heads { indices[j] = Int32(leastUsed[j]) }
        for u in leastUsed { touch(u) }
        for i in state.previousRows where i >= 0 { touch(Int(i)) }
        written.removeAll(keepingCapacity: true)
        written.append(contentsOf: accessed)
        for i in written { undo.willWrite(row: i, of: memory) }
        if recording {
            journal.beginStep()
            for i in written { journal.save(row: i, of: memory) }
            work.journalRows += written.count
        }
        for u in leastUsed { memory.row(u).update(repeating: 0, count: w) }
        let hasPrevious = !state.previousRows.isEmpty
        for j in 0..<c.heads {
            let head = HeadInterface(xi: record + layout.xi, head: j, width: w)
            let alpha = head.writeGate, gamma = head.interpolation
            for m in 0..<(hasPrevious ? slots : 0) where state.previousRows[j * slots + m] >= 0 {
                let i = Int(state.previousRows[j * slots + m])
                let weight = alpha * gamma * state.previousWeights[j * slots + m]
                Scalar.axpy(w, alpha: weight, head.addition, memory.row(i))
                accessWeight[i] += weight
                writeWeight[i] += weight
                work.writeRows += 1
            }
            let weight = alpha * (1 - gamma)
            Scalar.axpy(w, alpha: weight, head.addition, memory.row(leastUsed[j]))
            accessWeight[leastUsed[j]] += weight
            writeWeight[leastUsed[j]] += weight
            work.writeRows += 1
        }
        meanWrite.removeAll(keepingCapacity: true)
        for i in written { meanWrite.append(writeWeight[i] / Scalar(c.heads)) }
        index.update(rows: written, in: memory)
        work.indexRowsUpdated += written.count
    }

    /// SPEC step 5 (content) and the read modes: c_j over S_j, f_j and b_j from the links (or the held
    /// link state), π_j, the mixed wR_j and r_j = Σ_m wR_j(m) M_t(row m).
    private func read(record: UnsafeMutablePointer<Scalar>, indices: UnsafeMutablePointer<Int32>,
                      replay: StepDecisions?, held: [HeadLinks]?) {
        let c = configuration, w = c.wordSize, hasPrevious = !state.previousRows.isEmpty
        for j in 0..<c.heads {
            let head = HeadInterface(xi: record + layout.xi, head: j, width: w)
            if let replay { selection = replay.selected[j] } else {
                let before = index.counters.distanceEvaluations
                index.query(head.query, k: k, in: memory, into: &selection)
                work.indexQueries += 1
                work.indexDistances += index.counters.distanceEvaluations - before
            }
            let queryNorm = stabilisedNorm(head.query, count: w, epsilon: epsilon)
            let s = record + similarityOffset + j * k, content = record + contentOffset + j * k
            let rows = indices + c.heads + j * slots
            for q in 0..<k {
                rows[q] = Int32(selection[q])
                s[q] = ContentAddressing.cosine(head.query, queryNorm: queryNorm, memory.row(selection[q]), width: w,
                                                epsilon: epsilon).similarity
            }
            ContentAddressing.softmax(strength: head.strength, similarities: s, count: k, weights: content)
            state.previousRows.withUnsafeBufferPointer { previousRows in
                state.previousWeights.withUnsafeBufferPointer { previousWeights in
                    let pr = hasPrevious ? previousRows.baseAddress! + j * slots : nil
                    let pw = hasPrevious ? previousWeights.baseAddress! + j * slots : UnsafePointer(zeroWeights)
                    for b in 0..<2 {   // forward, then backward (no array literal: nothing allocated)
                        let forward = b == 0, block = forward ? ReadModes<Scalar>.forwardBlock : ReadModes<Scalar>.backwardBlock
                        let entries = record + (forward ? forwardEntriesOffset : backwardEntriesOffset) + j * k * slots
                        linkRead(forward: forward, previousRows: pr, previousWeights: pw, held: held?[j], rows: rows + block * k,
                                 entries: entries)
                        ReadModes.linkWeighting(entries, previous: pw, k: k,
                                                into: record + (forward ? forwardOffset : backwardOffset) + j * k)
                    }
                }
            }
            let pi = record + modeOffset + 3 * j
            ReadModes.modes(record + layout.xi + ReadModes<Scalar>.logitOffset(head: j, c), into: pi)
            let weights = record + weightOffset + j * slots
            for q in 0..<k {
                weights[q] = pi[1] * content[q]
                weights[k + q] = pi[2] * record[forwardOffset + j * k + q]
                weights[2 * k + q] = pi[0] * record[backwardOffset + j * k + q]
            }
            let r = record + layout.read + j * w
            r.update(repeating: 0, count: w)
            for m in 0..<slots where rows[m] >= 0 {
                let i = Int(rows[m])
                Scalar.axpy(w, alpha: weights[m], memory.row(i), r)
                touch(i)
                accessWeight[i] += weights[m]
                work.readRows += 1
            }
        }
    }

    /// The K rows of f_j (`forward`) or b_j and their K x 3K link entries at wR_{t-1,j}'s slot rows:
    /// from the held link state, else from the store (the rows with the K largest (L w)(i)).
    private func linkRead(forward: Bool, previousRows: UnsafePointer<Int32>?, previousWeights: UnsafePointer<Scalar>, held: HeadLinks?,
                          rows: UnsafeMutablePointer<Int32>, entries: UnsafeMutablePointer<Scalar>) {
        if let held {
            for q in 0..<k { rows[q] = Int32(forward ? held.forwardRows[q] : held.backwardRows[q]) }
            if settings.gradient == .recorded {
                for e in 0..<(k * slots) { entries[e] = Scalar(forward ? held.forwardEntries[e] : held.backwardEntries[e]) }
                return
            }
            // Full gradients: only the rows are held (a decision); the entries are the live link values.
            for q in 0..<k { for m in 0..<slots { entries[q * slots + m] = liveEntry(forward, Int(rows[q]), previousRows, m) } }
            return
        }
        linkRows.removeAll(keepingCapacity: true)
        if let previousRows {
            links.weighting(forward: forward, rows: previousRows, weights: previousWeights, count: slots, k: k, into: &linkRows)
        }
        for q in 0..<k {
            let row = q < linkRows.count ? linkRows[q] : -1
            rows[q] = Int32(row)
            for m in 0..<slots { entries[q * slots + m] = liveEntry(forward, row, previousRows, m) }
        }
    }

    /// N_t(row, k_m) (`forward`) or P_t(row, k_m) for slot m of wR_{t-1,j}; 0 for an empty row or slot.
    private func liveEntry(_ forward: Bool, _ row: Int, _ previousRows: UnsafePointer<Int32>?, _ m: Int) -> Scalar {
        let column = previousRows.map { Int($0[m]) } ?? -1
        return row >= 0 && column >= 0 ? links.link(forward: forward, row: row, column: column) : 0
    }

    /// SPEC step 7, as SAM: rows whose summed read and write weight exceeds δ move to the back of the
    /// ring in ascending row order; their time of last access becomes t.
    private func updateUsage() {
        let threshold = Scalar(configuration.accessThreshold)
        accessed.sort()
        for i in accessed where accessWeight[i] > threshold {
            ring.moveToBack(i)
            lastAccess[i] = time
            undo.didUse(row: i)
        }
    }
}
