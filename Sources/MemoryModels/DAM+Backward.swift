import SAMNumerics

extension DAM {
    /// The hand-written dense backward pass (Proofs/), t = T..1, reading M_t from the step's record.
    /// Time per step O(R*N*W + H*(X + R*W + H) + Y*(H + R*W)); the memory gradient is a dense N x W matrix.
    public func backward(outputGradient upstream: [Scalar]? = nil) throws(ConfigurationError) -> [Scalar] {
        let c = configuration, w = c.wordSize, h = c.hidden, heads = c.heads
        let episode = try recordedEpisode(episode, steps: tape.steps, upstream: upstream, c)
        parameters.zeroGradients()
        let p = ParameterPointers(parameters, gradients: false), g = ParameterPointers(parameters, gradients: true)
        let dM = gradientMemory.storage.baseAddress!
        gradientMemory.zero()
        var inputGradient = [Scalar](repeating: 0, count: episode.steps * c.inputSize)
        let v = backwardScratch
        var (dwNext, dwPrevious) = (v.dwNext, v.dwPrevious)
        for (pointer, count) in [(v.dh, h), (v.dcell, h), (v.dc, c.controllerInputSize), (dwNext, heads * n)] {
            pointer.zero(count)
        }

        for t in stride(from: episode.steps - 1, through: 0, by: -1) {
            let record = tape.scalars(t), indices = tape.indices(t), m = UnsafePointer(record + memoryOffset)
            controller.beginBackwardStep(p, g, record: record, step: t, configuration: c, episode: episode,
                                         upstream: upstream, v)
            for i in 0..<n { rowNorms[i] = stabilisedNorm(m + i * w, count: w, epsilon: epsilon) }

            // Read (SPEC step 5) backward, dense.
            if fault == .zeroReadGradient { (v.dhr + h).zero(heads * w) }
            for j in 0..<heads {
                let head = HeadInterface(xi: record + layout.xi, head: j, width: w)
                let queryNorm = stabilisedNorm(head.query, count: w, epsilon: epsilon)
                let s = record + similarityOffset + j * n, weights = record + weightOffset + j * n
                let dr = v.dhr + h + j * w, dq = v.dxi + j * c.interfacePerHead, dw = v.dw
                Scalar.gemv(transposed: false, rows: n, cols: w, alpha: 1, m, dr, beta: 0, dw)
                Scalar.axpy(n, alpha: 1, dwNext + j * n, dw)
                Scalar.ger(rows: n, cols: w, alpha: 1, weights, dr, dM)
                let dBeta = ContentAddressing.softmaxBackward(strength: head.strength, similarities: s,
                                                              weights: weights, count: n, gradient: dw)
                if fault != .dropSimilarityPath {
                    // dq += Σ_i ds_i (M(i)/(‖q‖‖M(i)‖) − s_i q/‖q‖²); dM(i) += ds_i (q/(‖q‖‖M(i)‖) − s_i M(i)/‖M(i)‖²).
                    var weighted: Scalar = 0
                    for i in 0..<n {
                        rowVector[i] = dw[i] / (queryNorm * rowNorms[i])
                        weighted += dw[i] * s[i]
                    }
                    Scalar.gemv(transposed: true, rows: n, cols: w, alpha: 1, m, rowVector, beta: 1, dq)
                    Scalar.axpy(w, alpha: -weighted / (queryNorm * queryNorm), head.query, dq)
                    Scalar.ger(rows: n, cols: w, alpha: 1, rowVector, head.query, dM)
                    for i in 0..<n {
                        Scalar.axpy(w, alpha: -dw[i] * s[i] / (rowNorms[i] * rowNorms[i]), m + i * w, dM + i * w)
                    }
                }
                dq[w] = dBeta * Activation.sigmoid(head.rawStrength)
            }

            // Write (SPEC step 4) backward, dense: dM holds dL/dM_t.
            dwPrevious.zero(heads * n)
            for j in 0..<heads {
                let head = HeadInterface(xi: record + layout.xi, head: j, width: w)
                let alpha = head.writeGate, gamma = head.interpolation, u = Int(indices[j])
                let base = v.dxi + j * c.interfacePerHead, dWrite = v.dw
                // wR_{t-1,j}: the previous record's weights, or the segment's carried-in weights.
                let previous = t > 0 ? UnsafePointer(tape.scalars(t - 1) + weightOffset + j * n) : nil
                for i in 0..<n {
                    let wPrevious = previous?[i] ?? segmentStart.previousWeights[j * n + i]
                    rowVector[i] = alpha * gamma * wPrevious
                }
                rowVector[u] += alpha * (1 - gamma)                                  // wW_j
                Scalar.gemv(transposed: true, rows: n, cols: w, alpha: 1, dM, rowVector, beta: 1, base + w + 1)   // da_j
                Scalar.gemv(transposed: false, rows: n, cols: w, alpha: 1, dM, head.addition, beta: 0, dWrite)
                var dAlpha: Scalar = 0, dGamma: Scalar = 0
                for i in 0..<n {
                    let wPrevious = previous?[i] ?? segmentStart.previousWeights[j * n + i]
                    dAlpha += dWrite[i] * gamma * wPrevious
                    dGamma += dWrite[i] * alpha * wPrevious
                    dwPrevious[j * n + i] = alpha * gamma * dWrite[i]
                }
                dAlpha += dWrite[u] * (1 - gamma)
                dGamma -= dWrite[u] * alpha
                base[2 * w + 1] = fault == .dropWriteGateTerm ? 0 : dAlpha * alpha * (1 - alpha)
                base[2 * w + 2] = dGamma * gamma * (1 - gamma)
            }
            for j in 0..<heads { (dM + Int(indices[j]) * w).zero(w) }   // erased rows
            swap(&dwNext, &dwPrevious)

            controller.endBackwardStep(p, g, record: record, previousRecord: t > 0 ? UnsafePointer(tape.scalars(t - 1)) : nil,
                                       segmentStart: segmentStart, step: t, v, inputGradient: &inputGradient, fault: fault)
        }
        fault?.applyAfterBackward(to: parameters)
        return inputGradient
    }
}
