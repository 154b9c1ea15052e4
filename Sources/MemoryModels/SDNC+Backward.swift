import SAMNumerics

extension SDNC {
    /// The hand-written backward pass (Proofs/sdnc-gradients.md), t = T..1, on the memory itself as
    /// SAM's: memory is M_t at step t, the journal rolls the touched rows back to M_{t-1}, and is
    /// re-applied at the end. Per step O(R*K²+ R*K*W + H*(X+R*W+H)), record O(R*K²), independent of N.
    ///
    /// Under `TemporalLinkSettings.Gradient.full` it also carries the adjoints of N, P and p back through
    /// each step's link update (`LinkGradient`), rolling the link store back with its own journal and
    /// re-applying it at the end: O(R·K·K_L²) more per step plus P's entries in written columns.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func backward(outputGradient upstream: [Scalar]? = nil) throws(ConfigurationError) -> [Scalar] {
        let full = settings.gradient == .full, lg = linkGradient
        lg.clear()
        let c = configuration, w = c.wordSize, h = c.hidden, heads = c.heads
        let episode = try recordedEpisode(episode, steps: tape.steps, upstream: upstream, c)
        parameters.zeroGradients()
        let p = ParameterPointers(parameters, gradients: false), g = ParameterPointers(parameters, gradients: true)
        let dM = gradientMemory
        dM.clear()
        dM.reserve(rows: episode.steps * heads * (slots + 1) + heads * slots)
        resize(&inputGradient, to: episode.steps * c.inputSize)
        let v = backwardScratch
        let (dhr, dxi, dw) = (v.dhr, v.dxi, v.dw)
        var (dwNext, dwPrevious) = (v.dwNext, v.dwPrevious)
        v.dh.zero(h); v.dcell.zero(h); v.dc.zero(c.controllerInputSize); dwNext.zero(heads * slots)   // no array literal: nothing allocated
        var dPi: (Scalar, Scalar, Scalar) = (0, 0, 0)   // dπ (backward, content, forward): a tuple, not an array (no allocation)
        let hasSegmentRead = !segmentStart.previousRows.isEmpty
        if hasSegmentRead {
            segmentStartRows.update(from: segmentStart.previousRows, count: heads * slots)
            segmentStartWeights.update(from: segmentStart.previousWeights, count: heads * slots)
        }

        for t in stride(from: episode.steps - 1, through: 0, by: -1) {
            let workBefore = work
            let record = tape.scalars(t), indices = tape.indices(t)
            controller.beginBackwardStep(p, g, record: record, step: t, configuration: c, episode: episode,
                                         upstream: upstream, v)
            let previousRows: UnsafePointer<Int32>?, previousWeights: UnsafePointer<Scalar>?
            if t > 0 {
                previousRows = UnsafePointer(tape.indices(t - 1) + heads)
                previousWeights = UnsafePointer(tape.scalars(t - 1) + weightOffset)
            } else if hasSegmentRead {
                (previousRows, previousWeights) = (UnsafePointer(segmentStartRows), UnsafePointer(segmentStartWeights))
            } else {
                (previousRows, previousWeights) = (nil, nil)
            }
            dwPrevious.zero(heads * slots)

            // Read backward: mixing, content (SPEC step 5), and the link path into wR_{t-1}.
            for j in 0..<heads {
                let head = HeadInterface(xi: record + layout.xi, head: j, width: w)
                let rows = indices + heads + j * slots, weights = record + weightOffset + j * slots
                let pi = record + modeOffset + 3 * j, content = record + contentOffset + j * k
                let dr = dhr + h + j * w, dq = dxi + j * c.interfacePerHead
                for m in 0..<slots {
                    guard rows[m] >= 0 else { dw[m] = 0; continue }
                    let i = Int(rows[m])
                    dw[m] = Scalar.dot(w, dr, memory.row(i)) + dwNext[j * slots + m]
                    Scalar.axpy(w, alpha: weights[m], dr, dM.row(i))
                }
                // dπ (backward, content, forward) and dc, df, db in place in dw's blocks.
                dPi.1 = Scalar.dot(k, dw, content)
                dPi.2 = Scalar.dot(k, dw + k, record + forwardOffset + j * k)
                dPi.0 = Scalar.dot(k, dw + 2 * k, record + backwardOffset + j * k)
                if fault == .sdncReadModeMixing { (dPi.0, dPi.2) = (dPi.2, dPi.0) }
                withUnsafePointer(to: &dPi) {
                    $0.withMemoryRebound(to: Scalar.self, capacity: 3) {
                        ReadModes.modesBackward(pi, gradient: $0, into: dxi + ReadModes<Scalar>.logitOffset(head: j, c))
                    }
                }
                for q in 0..<k { dw[q] *= pi[1]; dw[k + q] *= pi[2]; dw[2 * k + q] *= pi[0] }
                if previousRows != nil && fault != .sdncDropLinkReadPath {
                    ReadModes.linkWeightingBackward(record + forwardEntriesOffset + j * k * slots, gradient: dw + k, k: k,
                                                    into: dwPrevious + j * slots)
                    ReadModes.linkWeightingBackward(record + backwardEntriesOffset + j * k * slots, gradient: dw + 2 * k, k: k,
                                                    into: dwPrevious + j * slots)
                }
                if full, let previousRows, let previousWeights {   // proof step 1: Ñ_t and P̃_t from this read
                    for block in 1...2 {   // forward, then backward (no array literal: nothing allocated)
                        let adjoint = block == 1 ? lg.forward : lg.backward
                        let offset = block == 1 ? forwardEntriesOffset : backwardEntriesOffset
                        LinkGradient.addRead(adjoint, rows: rows + block * k, columns: previousRows + j * slots,
                                             weights: previousWeights + j * slots, entries: record + offset + j * k * slots,
                                             gradient: dw + block * k, k: k, transposed: fault == .sdncFullTransposedLinks)
                    }
                }
                let s = record + similarityOffset + j * k
                let dBeta = ContentAddressing.softmaxBackward(strength: head.strength, similarities: s, weights: content,
                                                              count: k, gradient: dw)
                if fault != .dropSimilarityPath {
                    let queryNorm = stabilisedNorm(head.query, count: w, epsilon: epsilon)
                    for q in 0..<k {
                        let i = Int(rows[q]), row = memory.row(i)
                        ContentAddressing.cosineBackward(head.query, queryNorm: queryNorm, row,
                                                         rowNorm: stabilisedNorm(row, count: w, epsilon: epsilon),
                                                         similarity: s[q], gradient: dw[q], width: w, dq: dq, dm: dM.row(i))
                    }
                }
                dq[w] = dBeta * Activation.sigmoid(head.rawStrength)   // β = 1 + softplus(β̂)
            }

            // Proof steps 2-5: the link update of step t backward, its dL/dw̄ joining the write's dL/dwW_j.
            if full {
                lg.meanWriteWeighting(heads: (0..<heads).map { HeadInterface(xi: record + layout.xi, head: $0, width: w) },
                                      leastUsed: indices, slots: slots, previousRows: previousRows, previousWeights: previousWeights)
                lg.updateBackward(links, step: t, dropPrecedence: fault == .sdncFullDropPrecedence)
                lg.toWriteWeighting(heads: heads)
            }
            // Write (SPEC step 4) backward: dM holds dL/dM_t.
            for j in 0..<heads {
                SparseWrite.backward(HeadInterface(xi: record + layout.xi, head: j, width: w), width: w,
                                     previousRows: previousRows.map { $0 + j * slots },
                                     previousWeights: previousWeights.map { $0 + j * slots }, count: slots,
                                     leastUsed: Int(indices[j]), dM: dM, dxi: dxi + j * c.interfacePerHead,
                                     dwPrevious: dwPrevious + j * slots, dropWriteGate: fault == .dropWriteGateTerm,
                                     writeGradient: full ? UnsafePointer(lg.meanWrite) : nil)
            }
            if full { lg.finishStep() }
            for j in 0..<heads { dM.row(Int(indices[j])).update(repeating: 0, count: w) }   // erased rows
            swap(&dwNext, &dwPrevious)

            controller.endBackwardStep(p, g, record: record, previousRecord: t > 0 ? UnsafePointer(tape.scalars(t - 1)) : nil,
                                       segmentStart: segmentStart, step: t, v, inputGradient: &inputGradient, fault: fault)
            journal.exchange(step: t, with: memory,
                             skipping: fault == .skipJournalRestore && t == episode.steps - 1 ? 0 : nil)
            // Rows of M and dM this step visited, as SAM counts them: the read's 3K slots per head, the
            // previous read's slots (the write), the erased rows and the journaled rows.
            work.backwardRows += heads * slots + (previousRows == nil ? 0 : heads * slots) + heads
                + journal.rows(ofStep: t).count
            workPeak.raise(toStepFrom: workBefore, to: work)
        }
        // Re-apply the journal: memory is at M_T again; dM is cleared below, in O(rows held).
        journal.reapply(steps: episode.steps, to: memory, clearedRowsPerStep: heads * slots, work: &work, peak: &workPeak)
        if full {
            for t in 0..<episode.steps { links.exchange(step: t) }
            lg.clear()   // Ñ_0, P̃_0, p̃_0: the link state carried into the segment gets no gradient
        }
        dM.clear()
        fault?.applyAfterBackward(to: parameters)
        return inputGradient
    }
}
