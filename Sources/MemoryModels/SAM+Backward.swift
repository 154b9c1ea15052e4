import SAMNumerics

extension SAM {
    /// The hand-written backward pass (Proofs/), t = T..1, on the memory itself:
    /// at step t memory is M_t; the step's gradients are computed from the rows it needs; then the
    /// journal rolls the touched rows back to M_{t-1}. At the end the journal is re-applied, so memory
    /// is at M_T again bit for bit. The memory gradient is held only on the rows the steps read or
    /// wrote (`SparseRowGradient`, at most T*R*(K+1) + R*K rows), and cleared at the end.
    /// Time per step O(R*K*W + H*(X + R*W + H) + Y*(H + R*W)); extra space O(H + R*K + R*W).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func backward(outputGradient upstream: [Scalar]? = nil) throws(ConfigurationError) -> [Scalar] {
        let c = configuration, w = c.wordSize, h = c.hidden, heads = c.heads
        let episode = try recordedEpisode(episode, steps: tape.steps, upstream: upstream, c)
        parameters.zeroGradients()
        let p = ParameterPointers(parameters, gradients: false), g = ParameterPointers(parameters, gradients: true)
        let dM = gradientMemory
        dM.clear()
        dM.reserve(rows: episode.steps * c.maxRowsWrittenPerStep + heads * k)   // pointers stay valid
        resize(&inputGradient, to: episode.steps * c.inputSize)
        let v = backwardScratch
        // Gradients flowing into step t from step t+1: dh, dcell, dc (whose tail is dr_t), dwNext.
        let (dhr, dxi, dw) = (v.dhr, v.dxi, v.dw)
        var (dwNext, dwPrevious) = (v.dwNext, v.dwPrevious)
        // One call each: an array literal of pointers would allocate.
        v.dh.zero(h)
        v.dcell.zero(h)
        v.dc.zero(c.controllerInputSize)
        dwNext.zero(heads * k)

        for t in stride(from: episode.steps - 1, through: 0, by: -1) {
            let record = tape.scalars(t), indices = tape.indices(t)
            let workBefore = work
            onBackwardStep?(t)
            controller.beginBackwardStep(p, g, record: record, step: t, configuration: c, episode: episode,
                                         upstream: upstream, v)

            // Read (SPEC step 5) backward.
            if fault == .zeroReadGradient { (dhr + h).zero(heads * w) }
            for j in 0..<heads {
                let head = HeadInterface(xi: record + layout.xi, head: j, width: w)
                let queryNorm = stabilisedNorm(head.query, count: w, epsilon: epsilon)
                let s = record + similarityOffset + j * k, weights = record + weightOffset + j * k
                let dr = dhr + h + j * w, dq = dxi + j * c.interfacePerHead
                for q in 0..<k {
                    let row = memory.row(Int(indices[heads + j * k + q]))
                    dw[q] = Scalar.dot(w, dr, row) + dwNext[j * k + q]
                    Scalar.axpy(w, alpha: weights[q], dr, dM.row(Int(indices[heads + j * k + q])))
                }
                let dBeta = ContentAddressing.softmaxBackward(strength: head.strength, similarities: s,
                                                              weights: weights, count: k, gradient: dw)
                if fault != .dropSimilarityPath {
                    for q in 0..<k {
                        let i = Int(indices[heads + j * k + q])
                        let rowNorm = stabilisedNorm(memory.row(i), count: w, epsilon: epsilon)
                        ContentAddressing.cosineBackward(head.query, queryNorm: queryNorm, memory.row(i), rowNorm: rowNorm,
                                                         similarity: s[q], gradient: dw[q], width: w,
                                                         dq: dq, dm: dM.row(i))
                    }
                }
                dq[w] = dBeta * Activation.sigmoid(head.rawStrength)   // β = 1 + softplus(β̂)
            }

            // Write (SPEC step 4) backward: dM now holds dL/dM_t.
            let previousRecord: UnsafePointer<Scalar>?, previousIndices: UnsafePointer<Int32>?
            if t > 0 {
                previousRecord = UnsafePointer(tape.scalars(t - 1) + weightOffset)
                previousIndices = UnsafePointer(tape.indices(t - 1) + heads)
            } else {   // the read carried in from the previous segment, if any
                previousRecord = segmentStartHasRead ? UnsafePointer(segmentStartWeights) : nil
                previousIndices = segmentStartHasRead ? UnsafePointer(segmentStartRows) : nil
            }
            dwPrevious.zero(heads * k)
            for j in 0..<heads {
                SparseWrite.backward(HeadInterface(xi: record + layout.xi, head: j, width: w), width: w,
                                     previousRows: previousIndices.map { $0 + j * k }, previousWeights: previousRecord.map { $0 + j * k },
                                     count: k, leastUsed: Int(indices[j]), dM: dM, dxi: dxi + j * c.interfacePerHead,
                                     dwPrevious: dwPrevious + j * k, dropWriteGate: fault == .dropWriteGateTerm)
            }
            for j in 0..<heads { dM.row(Int(indices[j])).update(repeating: 0, count: w) }   // erased rows
            swap(&dwNext, &dwPrevious)

            // Interface and LSTM backward.
            controller.endBackwardStep(p, g, record: record, previousRecord: t > 0 ? UnsafePointer(tape.scalars(t - 1)) : nil,
                                       segmentStart: segmentStart, step: t, v, inputGradient: &inputGradient, fault: fault)

            // Roll the touched rows back to M_{t-1}.
            journal.exchange(step: t, with: memory,
                             skipping: fault == .skipJournalRestore && t == episode.steps - 1 ? 0 : nil)
            // Rows of M and dM this step visited: read rows (twice: read and similarity paths share
            // them), the previous read's rows, the erased rows and the journaled rows.
            work.backwardRows += heads * k + (previousIndices == nil ? 0 : heads * k) + heads
                + journal.rows(ofStep: t).count
            workPeak.raise(toStepFrom: workBefore, to: work)
        }
        // Re-apply the journal: memory is at M_T again; dM is cleared below, in O(rows held).
        journal.reapply(steps: episode.steps, to: memory, clearedRowsPerStep: heads * k, work: &work, peak: &workPeak)
        dM.clear()
        fault?.applyAfterBackward(to: parameters)
        return inputGradient
    }
}
