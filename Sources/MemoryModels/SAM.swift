@_spi(FaultInjection) import NearestNeighbours
import SAMNumerics

/// Sparse Access Memory (SPEC "One time step", sparse variant): each head reads the K rows its
/// index returns and writes to at most K+1 rows. Memory is modified in place and journaled
/// (`Journal`), so a training step records O(R*K*W + H) values, independent of N.
///
/// Per-step record, after the controller's fields (`ControllerLayout`):
/// similarities s_j(k) (R*K), read weights wR_j(k) (R*K); indices: u_j (R), S_j (R*K).
public final class SAM<Scalar: ModelScalar>: MemoryModel {
    public let configuration: ModelConfiguration
    public let parameters: ParameterStore<Scalar>
    public let memory: MemoryMatrix<Scalar>
    /// The nearest-neighbour index the reads go through; it follows every write, and never rolls back.
    public private(set) var index: any NearestNeighbourIndex<Scalar>
    /// Test-only (`FaultInjection.swift`): a performance regression to inject; nil undoes it
    /// (the configured index is rebuilt if `linearScanIndex` had replaced it).
    @_spi(FaultInjection) public var performanceFault: PerformanceFault? {
        didSet { applyPerformanceFault(from: oldValue) }
    }
    /// Where `PerformanceFault.allocatePerStep` and `.usageScan` keep their results (so they cannot be optimised away).
    var allocationSink: [Scalar] = []
    var usageScanSink = 0
    @_spi(FaultInjection) public var fault: GradientFault?
    /// Test-only: called at the start of step t's backward (t from T-1 down to 0), when memory must be M_t.
    @_spi(FaultInjection) public var onBackwardStep: ((Int) -> Void)?
    /// Rows each stage of the forward and backward steps touched, since creation (`StepWork`).
    public internal(set) var work = StepWork()
    /// The most rows each stage touched in any one step since `resetWorkPeak()`.
    public internal(set) var workPeak = StepWork()
    public func resetWorkPeak() { workPeak = StepWork() }
    /// Rows the last `reset()` visited: each written row restored and re-indexed, each used row
    /// re-linked in the ring and its access time cleared (N for an O(N) reset; the gate's "reset-rows").
    public private(set) var lastResetRows = 0

    let layout: ControllerLayout
    let controller: Controller<Scalar>
    let k: Int
    let epsilon: Scalar
    /// Offsets past the controller's fields: similarities, then read weights.
    let similarityOffset: Int, weightOffset: Int
    let tape: Tape<Scalar>
    let journal: Journal<Scalar>
    /// What the episode changed since the last reset, so `reset()` undoes it in O(rows touched).
    let undo: EpisodeUndoLog<Scalar>
    /// Rows `reset()` hands to the index (capacity reused).
    var restoredRows: [Int] = []
    /// The last outputs and input gradients returned, refilled in place (`resize`).
    var outputs: [Scalar] = [], inputGradient: [Scalar] = []
    var recording = false
    var episode: Episode<Scalar>?

    // Recurrent state, and a copy of it as it stood at the start of the segment.
    var state: RecurrentState
    var segmentStart: RecurrentState
    /// Usage: the ring of rows by last access, and the time of last access of each row.
    public private(set) var ring: LeastRecentlyUsedRing
    public private(set) var lastAccess: [Int]
    var time = 0

    // Scratch, allocated once.
    let scratchRecord: UnsafeMutablePointer<Scalar>
    let scratchIndices: UnsafeMutablePointer<Int32>
    /// The previous read carried into this segment (S and wR of the step before it, R*K each).
    let segmentStartRows: UnsafeMutablePointer<Int32>
    let segmentStartWeights: UnsafeMutablePointer<Scalar>
    var segmentStartHasRead = false
    var accessWeight: [Scalar]
    var stamp: [Int]
    var stampValue = 0
    var accessed: [Int] = []
    var written: [Int] = []
    var leastUsed: [Int] = []
    var selection: [Int] = []
    /// Scratch of `PerformanceFault.linearLRUSearch` (the whole ring).
    var ringWalk: [Int] = []
    /// dL/dM on the rows the episode touched (the backward pass's only O(N) table is its 4-byte slot index).
    lazy var gradientMemory = SparseRowGradient<Scalar>(rows: configuration.memoryWords, width: configuration.wordSize)
    lazy var backwardScratch = BackwardScratch<Scalar>(configuration, readWidth: configuration.neighbours)

    /// h, cell, r (the previous step's outputs) and the previous read weights (rows and values).
    struct RecurrentState: ControllerState {
        var h: [Scalar], cell: [Scalar], read: [Scalar]
        /// S_{t-1,j} and wR_{t-1,j}, R*K each; empty before the first step (wR_0 = 0).
        var previousRows: [Int32], previousWeights: [Scalar]
        init(_ c: ModelConfiguration) {
            h = Array(repeating: 0, count: c.hidden)
            cell = Array(repeating: 0, count: c.hidden)
            read = Array(repeating: 0, count: c.heads * c.wordSize)
            previousRows = []
            previousWeights = []
        }
        /// A copy of `other` in this state's own storage (no allocation in steady state).
        mutating func assign(from other: Self) {
            copyControllerState(from: other)
            copyElements(&previousRows, from: other.previousRows)
            copyElements(&previousWeights, from: other.previousWeights)
        }
        /// Back to the initial state in place (keeps the arrays' storage).
        mutating func zero() {
            for i in h.indices { h[i] = 0 }
            for i in cell.indices { cell[i] = 0 }
            for i in read.indices { read[i] = 0 }
            previousRows.removeAll(keepingCapacity: true)
            previousWeights.removeAll(keepingCapacity: true)
        }
    }

    public init(configuration c: ModelConfiguration) throws(ConfigurationError) {
        configuration = c
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
        epsilon = Scalar(c.epsilon)
        similarityOffset = layout.count
        weightOffset = layout.count + c.heads * k
        tape = Tape(scalarsPerStep: layout.count + 2 * c.heads * k, indicesPerStep: c.heads * (1 + k))
        journal = Journal(width: c.wordSize, maxRows: c.maxRowsWrittenPerStep)
        undo = EpisodeUndoLog(rows: c.memoryWords, width: c.wordSize,
                              initialIsZero: c.memoryInitialisation == .zeros)
        state = RecurrentState(c)
        segmentStart = RecurrentState(c)   // its own storage: `assign` then never copies on write
        ring = LeastRecentlyUsedRing(count: c.memoryWords)
        lastAccess = Array(repeating: 0, count: c.memoryWords)
        scratchRecord = .allocate(capacity: tape.scalarsPerStep)
        scratchIndices = .allocate(capacity: tape.indicesPerStep)
        segmentStartRows = .allocate(capacity: c.heads * c.neighbours)
        segmentStartWeights = .allocate(capacity: c.heads * c.neighbours)
        accessWeight = Array(repeating: 0, count: c.memoryWords)
        stamp = Array(repeating: 0, count: c.memoryWords)
        reinitialise()
    }

    deinit {
        scratchRecord.deallocate()
        scratchIndices.deallocate()
        segmentStartRows.deallocate()
        segmentStartWeights.deallocate()
    }

    /// Back to M_0, zero controller state and the initial ring, by undoing what was done since the
    /// last reset (`EpisodeUndoLog`): the written rows get their M_0 contents back and are re-indexed,
    /// the used rows get their ring links and access times back. O(rows touched · W) plus the index's
    /// cost of updating those rows; never O(N) (Proofs/episode-reset.md).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func reset() {
        if performanceFault == .fullReset {
            reinitialise()
            lastResetRows = configuration.memoryWords
            return
        }
        lastResetRows = undo.undo(memory: memory, index: index, ring: &ring, lastAccess: &lastAccess, rows: &restoredRows)
        clearEpisodeState()
    }

    /// The O(N) reset: M_0 from the configuration, the index rebuilt from all rows, a new ring.
    /// `init` uses it; `reset()` gives the same state in O(rows touched).
    public func reinitialise() {
        initialise(memory, configuration)
        index.build(from: memory)
        ring = LeastRecentlyUsedRing(count: configuration.memoryWords)
        lastAccess = Array(repeating: 0, count: configuration.memoryWords)
        undo.clear()
        clearEpisodeState()
    }

    /// Zero controller state, no previous read, time 0, empty tape and journal (O(H + R·W)).
    private func clearEpisodeState() {
        state.zero()
        segmentStart.assign(from: state)
        segmentStartHasRead = false
        time = 0
        tape.removeAll()
        journal.removeAll()
        episode = nil
    }

    public var backwardRecordBytes: Int { tape.byteSize + journal.byteSize }

    public var decisions: RecordedDecisions {
        let c = configuration
        return RecordedDecisions(steps: (0..<tape.steps).map { t in
            let ints = tape.indices(t)
            return StepDecisions(leastUsed: (0..<c.heads).map { Int(ints[$0]) },
                                 selected: (0..<c.heads).map { j in (0..<k).map { Int(ints[c.heads + j * k + $0]) } })
        })
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ episode: Episode<Scalar>, mode: ForwardMode = .training,
                        replay: RecordedDecisions? = nil) throws(ConfigurationError) -> ForwardResult<Scalar> {
        let c = configuration
        if let replay { try validate(replay: replay, steps: episode.steps, c, sparse: true) }
        try validate(episode: episode, c)
        recording = mode == .training
        tape.removeAll()
        journal.removeAll()
        if recording {   // one allocation per segment at most, none per step; RSS grows by the record alone
            tape.reserve(steps: episode.steps)
            journal.reserve(steps: episode.steps)
        }
        undo.reserve(steps: episode.steps, rowsPerStep: c.rowsTouchedPerStep(readSlots: k))
        segmentStart.assign(from: state)
        segmentStartHasRead = !state.previousRows.isEmpty
        if segmentStartHasRead {
            segmentStartRows.update(from: state.previousRows, count: c.heads * k)
            segmentStartWeights.update(from: state.previousWeights, count: c.heads * k)
        }
        self.episode = recording ? episode : nil
        let p = ParameterPointers(parameters, gradients: false)
        resize(&outputs, to: episode.steps * c.outputSize)
        var loss: Scalar = 0
        for t in 0..<episode.steps {
            let (record, indices) = recording ? tape.appendStep() : (scratchRecord, scratchIndices)
            episode.inputs.withUnsafeBufferPointer { x in
                controller.beginStep(p, record: record, input: x.baseAddress! + t * c.inputSize,
                                     h: state.h, cell: state.cell, read: state.read)
                if performanceFault == .controllerSlowdown {   // the same work again, into scratch
                    for _ in 0..<PerformanceFault.controllerSlowdownRepeats {
                        controller.beginStep(p, record: scratchRecord, input: x.baseAddress! + t * c.inputSize,
                                             h: state.h, cell: state.cell, read: state.read)
                    }
                }
            }
            let workBefore = work
            time += 1
            stampValue += 1
            accessed.removeAll(keepingCapacity: true)
            write(record: record, indices: indices, replay: replay?.steps[t])
            read(record: record, indices: indices, replay: replay?.steps[t])
            loss += controller.endStep(p, record: record, step: t, loss: c.loss, episode: episode, outputs: &outputs)
            updateUsage()
            workPeak.raise(toStepFrom: workBefore, to: work)
            // Carry the recurrent state to the next step.
            layout.carry(record, into: &state)
            state.previousRows.removeAll(keepingCapacity: true)
            state.previousRows.append(contentsOf: UnsafeBufferPointer(start: indices + c.heads, count: c.heads * k))
            state.previousWeights.removeAll(keepingCapacity: true)
            state.previousWeights.append(contentsOf: UnsafeBufferPointer(start: record + weightOffset, count: c.heads * k))
        }
        return ForwardResult(outputs: outputs, loss: loss)
    }

    /// Marks each of `rows` as a candidate for this step's usage update (once per step), in order.
    /// One access to each stored array for the whole batch, not one per row (each access to a
    /// class's stored property can cost a dynamic exclusivity check).
    private func touch<Rows: Sequence>(_ rows: Rows) where Rows.Element: BinaryInteger {
        let value = stampValue
        var touched = 0, list: [Int] = []
        swap(&list, &accessed)   // uniquely held while appended to (no copy)
        stamp.withUnsafeMutableBufferPointer { stamp in
            accessWeight.withUnsafeMutableBufferPointer { accessWeight in
                for r in rows {
                    let row = Int(r)
                    touched += 1
                    if stamp[row] != value {
                        stamp[row] = value
                        accessWeight[row] = 0
                        list.append(row)
                    }
                }
            }
        }
        swap(&list, &accessed)
        work.usageRows += touched
    }

    /// SPEC step 4 on M_{t-1}: erase the R least recently used rows, then add
    /// wW_j a_jᵀ with wW_j = α_j (γ_j wR_{t-1,j} + (1 − γ_j) e_{u_j}). Touches at most R*(K+1) rows,
    /// journals their old contents, and updates the index for them.
    private func write(record: UnsafeMutablePointer<Scalar>, indices: UnsafeMutablePointer<Int32>, replay: StepDecisions?) {
        let c = configuration, w = c.wordSize
        if let replay { leastUsed = replay.leastUsed } else { findLeastUsed(c.heads) }
        let lru = leastUsed, previousRows = state.previousRows, previousWeights = state.previousWeights
        for j in 0..<c.heads { indices[j] = Int32(lru[j]) }
        touch(lru)
        touch(previousRows)
        written.removeAll(keepingCapacity: true)
        written.append(contentsOf: accessed)
        let rows = written
        for i in rows { undo.willWrite(row: i, of: memory) }
        if recording {
            journal.beginStep()
            for i in rows { journal.save(row: i, of: memory) }
            work.journalRows += rows.count
            if performanceFault == .copyMemoryPerStep {
                journal.saveWholeMemory(memory)
                work.journalRows += memory.rows
            }
        }
        if performanceFault == .allocatePerStep { allocationSink = [Scalar](repeating: Scalar(time), count: 8) }
        for u in lru { memory.row(u).update(repeating: 0, count: w) }
        work.writeRows += lru.count + previousRows.count
        let previousCount = previousRows.count / c.heads, xi = record + layout.xi
        accessWeight.withUnsafeMutableBufferPointer { accessWeight in
            for j in 0..<c.heads {
                let head = HeadInterface(xi: xi, head: j, width: w)
                let alpha = head.writeGate, gamma = head.interpolation
                for q in 0..<previousCount {
                    let i = Int(previousRows[j * previousCount + q])
                    let weight = alpha * gamma * previousWeights[j * previousCount + q]
                    Scalar.axpy(w, alpha: weight, head.addition, memory.row(i))
                    accessWeight[i] += weight
                }
                let weight = alpha * (1 - gamma)
                Scalar.axpy(w, alpha: weight, head.addition, memory.row(lru[j]))
                accessWeight[lru[j]] += weight
            }
        }
        if performanceFault != .staleIndex {
            index.update(rows: rows, in: memory)
            work.indexRowsUpdated += rows.count
        }
    }

    /// SPEC step 5 on M_t: per head, S_j from the index (or the replay), cosine similarities on those
    /// rows, a softmax of β_j s_j over them, and r_j = Σ wR_j(i) M_t(i).
    private func read(record: UnsafeMutablePointer<Scalar>, indices: UnsafeMutablePointer<Int32>, replay: StepDecisions?) {
        let c = configuration, w = c.wordSize
        for j in 0..<c.heads {
            let head = HeadInterface(xi: record + layout.xi, head: j, width: w)
            if let replay { selection = replay.selected[j] } else {
                let before = index.counters.distanceEvaluations
                index.query(head.query, k: k, in: memory, into: &selection)
                work.indexQueries += 1
                work.indexDistances += index.counters.distanceEvaluations - before
            }
            let rows = selection, epsilon = epsilon
            let queryNorm = stabilisedNorm(head.query, count: w, epsilon: epsilon)
            let s = record + similarityOffset + j * k, weights = record + weightOffset + j * k
            for q in 0..<k {
                let i = rows[q]
                indices[c.heads + j * k + q] = Int32(i)
                s[q] = ContentAddressing.cosine(head.query, queryNorm: queryNorm, memory.row(i), width: w,
                                                epsilon: epsilon).similarity
            }
            ContentAddressing.softmax(strength: head.strength, similarities: s, count: k, weights: weights)
            let r = record + layout.read + j * w
            r.update(repeating: 0, count: w)
            for q in 0..<k { Scalar.axpy(w, alpha: weights[q], memory.row(rows[q]), r) }
            // Touching row i zeroes its access weight the first time this step, before adding wR_j(i).
            touch(rows.prefix(k))
            accessWeight.withUnsafeMutableBufferPointer { accessWeight in
                for q in 0..<k { accessWeight[rows[q]] += weights[q] }
            }
            work.readRows += k
        }
    }

    /// SPEC step 7: rows whose summed read and write weight exceeds δ move to the back of the ring,
    /// in ascending row order, and their time of last access becomes t.
    private func updateUsage() {
        let threshold = Scalar(configuration.accessThreshold)
        if fault != .unsortedUsageOrder { accessed.sort() }
        // Locals and one access per stored array, not one per row (each can cost a dynamic
        // exclusivity check). The ring, the access times and the undo log are independent, so
        // updating them in separate passes over the same rows, in the same order, changes nothing.
        let rows = accessed, weights = accessWeight, now = time
        ring.moveToBack(rows, where: { weights[$0] > threshold })
        lastAccess.withUnsafeMutableBufferPointer { lastAccess in
            for i in rows where weights[i] > threshold {
                lastAccess[i] = now
                undo.didUse(row: i)
            }
        }
        if performanceFault == .usageScan { usageScanSink &+= lastAccess.reduce(0, &+) }   // uncounted, on purpose
    }

    /// The R least recently used rows into `leastUsed`: the ring's head (R positions), or with
    /// `PerformanceFault.linearLRUSearch` a walk of the whole ring (N positions, counted).
    private func findLeastUsed(_ r: Int) {
        if performanceFault == .linearLRUSearch {
            ring.leastRecentlyUsed(configuration.memoryWords, into: &ringWalk)
            work.lruRows += ringWalk.count
            leastUsed.removeAll(keepingCapacity: true)
            leastUsed.append(contentsOf: ringWalk.prefix(r))
        } else {
            ring.leastRecentlyUsed(r, into: &leastUsed)
            work.lruRows += leastUsed.count
        }
    }

    /// Switches the index for `linearScanIndex` (and back), and the exact index's full sort.
    private func applyPerformanceFault(from old: PerformanceFault?) {
        if performanceFault == .linearScanIndex && old != .linearScanIndex {
            index = ExactIndex<Scalar>(epsilon: epsilon)
            index.build(from: memory)
        } else if old == .linearScanIndex && performanceFault != .linearScanIndex {
            // The configuration's index was built by init, so it builds again.
            index = try! makeIndex(kind: configuration.index, settings: configuration.indexSettings, epsilon: epsilon,
                                   k: configuration.neighbours)
            index.build(from: memory)
        }
        if old == .staleIndex && performanceFault != .staleIndex { index.build(from: memory) }   // no longer stale
        (index as? ExactIndex<Scalar>)?.injectedFullSort = performanceFault == .exactIndexFullSort
    }

    /// Diagnostics (`samkit train --trace`): reads go through `wrap(index)` from now on, built on the current memory.
    @_spi(Diagnostics) public func wrapIndex(_ wrap: (any NearestNeighbourIndex<Scalar>) -> any NearestNeighbourIndex<Scalar>) {
        index = wrap(index)
        index.build(from: memory)
    }
}

extension SAM {
    /// What head j read at step t of the last training forward: the rows S_j (best first), their
    /// similarities s_j and read weights wR_j (for tests and case files).
    public func readRecord(step t: Int) -> [(rows: [Int], similarities: [Scalar], weights: [Scalar])] {
        let c = configuration, record = tape.scalars(t), indices = tape.indices(t)
        return (0..<c.heads).map { j in
            ((0..<k).map { Int(indices[c.heads + j * k + $0]) },
             (0..<k).map { record[similarityOffset + j * k + $0] },
             (0..<k).map { record[weightOffset + j * k + $0] })
        }
    }
}
