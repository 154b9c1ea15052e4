import SAMNumerics

extension DAM {
    /// The hand-written dense backward pass (Proofs/), t = T..1, reading M_t from the step's record.
    /// Time per step O(R*N*W + H*(X + R*W + H) + Y*(H + R*W)); the memory gradient is a dense N x W matrix.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func backward(outputGradient upstream: [Scalar]? = nil) throws(ConfigurationError) -> [Scalar] {
        let c = configuration, w = c.wordSize, h = c.hidden, heads = c.heads
        let episode = try recordedEpisode(episode, steps: tape.steps, upstream: upstream, c)
        parameters.zeroGradients()
        let p = ParameterPointers(parameters, gradients: false), g = ParameterPointers(parameters, gradients: true)
        let dM = gradientMemory.storage.baseAddress!
        gradientMemory.zero()
        resize(&inputGradient, to: episode.steps * c.inputSize)
        let v = backwardScratch
        var (dwNext, dwPrevious) = (v.dwNext, v.dwPrevious)
        // One call each: an array literal of pointers would allocate.
        v.dh.zero(h)
        v.dcell.zero(h)
        v.dc.zero(c.controllerInputSize)
        dwNext.zero(heads * n)

        for t in stride(from: episode.steps - 1, through: 0, by: -1) {
            let record = tape.scalars(t), indices = tape.indices(t), m = UnsafePointer(record + memoryOffset)
            controller.beginBackwardStep(p, g, record: record, step: t, configuration: c, episode: episode,
                                         upstream: upstream, v)
            rowNormsOf(m)
            readBackward(record: record, m: m, dM: dM, dwNext: dwNext, v)
            dwPrevious.zero(heads * n)
            withPreviousWeights(step: t) { previous in
                writeBackward(record: record, indices: indices, dM: dM, previous: previous, dwPrevious: dwPrevious, v)
            }
            for j in 0..<heads { (dM + Int(indices[j]) * w).zero(w) }   // erased rows
            swap(&dwNext, &dwPrevious)

            controller.endBackwardStep(p, g, record: record, previousRecord: t > 0 ? UnsafePointer(tape.scalars(t - 1)) : nil,
                                       segmentStart: segmentStart, step: t, v, inputGradient: &inputGradient, fault: fault)
        }
        fault?.applyAfterBackward(to: parameters)
        return inputGradient
    }

    /// wR_{t-1} of every head (R x N): the previous record's weights, or the segment's carried-in weights.
    func withPreviousWeights<R>(step t: Int, _ body: (UnsafePointer<Scalar>) -> R) -> R {
        if t > 0 { return body(UnsafePointer(tape.scalars(t - 1) + weightOffset)) }
        return segmentStart.previousWeights.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// Read (SPEC step 5) backward, dense, all heads at once (Proofs/read.md, dense-softmax.md,
    /// cosine-similarity.md): dW = dR Mᵀ + dwR_{t+1} (gemm), dM += WRᵀ dR (gemm), the softmax backward per
    /// head, then the cosine's dq += V M and dM += Vᵀ Q with V(j, i) = ds_j(i) / (‖q_j‖ ‖M(i)‖) (gemms),
    /// and dM(i) −= Σ_j ds_j(i) s_j(i) / ‖M(i)‖² · M(i) (one pass over the rows). `rowNorms` holds ‖M_t(i)‖_ε.
    private func readBackward(record: UnsafePointer<Scalar>, m: UnsafePointer<Scalar>, dM: UnsafeMutablePointer<Scalar>,
                              dwNext: UnsafePointer<Scalar>, _ v: BackwardScratch<Scalar>) {
        let c = configuration, w = c.wordSize, heads = c.heads, stride = c.interfacePerHead
        let dr = v.dhr + c.hidden, ds = headRows, scaled = writeWeights, rowScale = rowVector
        if fault == .zeroReadGradient { dr.zero(heads * w) }
        Scalar.gemm(transposeA: false, transposeB: true, m: heads, n: n, k: w, alpha: 1, dr, lda: w, m, ldb: w,
                    beta: 0, ds, ldc: n)
        Scalar.axpy(heads * n, alpha: 1, dwNext, ds)
        Scalar.gemm(transposeA: true, transposeB: false, m: n, n: w, k: heads, alpha: 1, record + weightOffset, lda: n,
                    dr, ldb: w, beta: 1, dM, ldc: w)
        let similarityPath = fault != .dropSimilarityPath
        rowScale.zero(n)
        for j in 0..<heads {
            let head = HeadInterface(xi: record + layout.xi, head: j, width: w)
            let queryNorm = stabilisedNorm(head.query, count: w, epsilon: epsilon)
            let s = record + similarityOffset + j * n, weights = record + weightOffset + j * n
            let dw = ds + j * n, dq = v.dxi + j * stride, vj = scaled + j * n
            let dBeta = ContentAddressing.softmaxBackward(strength: head.strength, similarities: s,
                                                          weights: weights, count: n, gradient: dw)
            if similarityPath {
                // dq += Σ_i ds_i (M(i)/(‖q‖‖M(i)‖) − s_i q/‖q‖²); dM(i) += ds_i (q/(‖q‖‖M(i)‖) − s_i M(i)/‖M(i)‖²).
                var weighted: Scalar = 0
                for i in 0..<n {
                    let norm = rowNorms[i]
                    vj[i] = dw[i] / (queryNorm * norm)
                    weighted += dw[i] * s[i]
                    rowScale[i] -= dw[i] * s[i] / (norm * norm)
                }
                Scalar.axpy(w, alpha: -weighted / (queryNorm * queryNorm), head.query, dq)
            }
            dq[w] = dBeta * Activation.sigmoid(head.rawStrength)
        }
        guard similarityPath else { return }
        Scalar.gemm(transposeA: false, transposeB: false, m: heads, n: w, k: n, alpha: 1, scaled, lda: n, m, ldb: w,
                    beta: 1, v.dxi, ldc: stride)
        Scalar.gemm(transposeA: true, transposeB: false, m: n, n: w, k: heads, alpha: 1, scaled, lda: n,
                    record + layout.xi, ldb: stride, beta: 1, dM, ldc: w)
        for i in 0..<n {
            let a = rowScale[i], row = m + i * w, target = dM + i * w
            for x in 0..<w { target[x] += a * row[x] }
        }
    }

    /// Write (SPEC step 4) backward, dense, all heads at once (Proofs/write.md): with dM = dL/dM_t and
    /// WW the write weights (R x N), da += WW dM and dWW = A dMᵀ (gemms), then α̂_j, γ̂_j and dwR_{t-1}.
    private func writeBackward(record: UnsafePointer<Scalar>, indices: UnsafePointer<Int32>, dM: UnsafePointer<Scalar>,
                               previous: UnsafePointer<Scalar>, dwPrevious: UnsafeMutablePointer<Scalar>,
                               _ v: BackwardScratch<Scalar>) {
        let c = configuration, w = c.wordSize, heads = c.heads, stride = c.interfacePerHead
        let writeWeight = writeWeights, dWrite = headRows
        for j in 0..<heads {
            let head = HeadInterface(xi: record + layout.xi, head: j, width: w)
            let scale = head.writeGate * head.interpolation, ww = writeWeight + j * n, wp = previous + j * n
            for i in 0..<n { ww[i] = scale * wp[i] }
            ww[Int(indices[j])] += head.writeGate * (1 - head.interpolation)
        }
        Scalar.gemm(transposeA: false, transposeB: false, m: heads, n: w, k: n, alpha: 1, writeWeight, lda: n, dM, ldb: w,
                    beta: 1, v.dxi + w + 1, ldc: stride)
        Scalar.gemm(transposeA: false, transposeB: true, m: heads, n: n, k: w, alpha: 1, record + layout.xi + w + 1,
                    lda: stride, dM, ldb: w, beta: 0, dWrite, ldc: n)
        for j in 0..<heads {
            let head = HeadInterface(xi: record + layout.xi, head: j, width: w)
            let alpha = head.writeGate, gamma = head.interpolation, u = Int(indices[j])
            let base = v.dxi + j * stride, dw = dWrite + j * n, wp = previous + j * n, dwp = dwPrevious + j * n
            var dAlpha: Scalar = 0, dGamma: Scalar = 0
            for i in 0..<n {
                dAlpha += dw[i] * gamma * wp[i]
                dGamma += dw[i] * alpha * wp[i]
                dwp[i] = alpha * gamma * dw[i]
            }
            dAlpha += dw[u] * (1 - gamma)
            dGamma -= dw[u] * alpha
            base[2 * w + 1] = fault == .dropWriteGateTerm ? 0 : dAlpha * alpha * (1 - alpha)
            base[2 * w + 2] = dGamma * gamma * (1 - gamma)
        }
    }
}
