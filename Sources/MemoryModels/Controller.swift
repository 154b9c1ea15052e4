import SAMNumerics

/// Offsets of the controller's part of one step's record (SPEC steps 1–3 and 6), shared by SAM and DAM.
///
/// | field | size | meaning |
/// |---|---|---|
/// | c | X + R*W | controller input [x_t ; r_{t-1}] |
/// | gates | 4H | i, f, g, o after their activations |
/// | cell | H | cell_t |
/// | xi | R*(2W+3) | interface ξ_t before activations |
/// | h | H | h_t |
/// | r | R*W | read vectors r_t |
/// | y | Y | output y_t |
public struct ControllerLayout: Sendable {
    /// `interface` is one head's slice (2W+3); `interfaceSize` the whole ξ (SDNC appends 3R mode logits).
    public let x, h, r, w, y, interface, interfaceSize: Int
    public let c = 0, gates: Int, cell: Int, hidden: Int, xi: Int, read: Int, output: Int, count: Int

    public init(_ cf: ModelConfiguration) {
        x = cf.inputSize; h = cf.hidden; r = cf.heads; w = cf.wordSize; y = cf.outputSize
        interface = cf.interfacePerHead
        interfaceSize = cf.interfaceSize
        gates = x + r * w
        cell = gates + 4 * h
        xi = cell + h
        hidden = xi + interfaceSize
        read = hidden + h          // h and r adjacent: [h_t ; r_t] is one vector for the output layer
        output = read + r * w
        count = output + y
    }

    /// Copies h_t, cell_t and r_t out of a step's record into the recurrent state for step t+1.
    func carry<State: ControllerState>(_ record: UnsafePointer<State.Scalar>, into state: inout State) {
        state.h.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: record + hidden, count: h) }
        state.cell.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: record + cell, count: h) }
        state.read.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: record + read, count: r * w) }
    }
}

/// The controller's recurrent state carried from step to step: h_{t-1}, cell_{t-1} (H each), r_{t-1} (R*W).
protocol ControllerState {
    associatedtype Scalar
    var h: [Scalar] { get set }
    var cell: [Scalar] { get set }
    var read: [Scalar] { get set }
}

/// The activated interface of one head (SPEC step 3).
@usableFromInline
struct HeadInterface<Scalar: ModelScalar> {
    /// Query q_j (W) and write vector a_j (W), pointers into ξ.
    let query, addition: UnsafePointer<Scalar>
    /// β̂, α̂, γ̂ before activation.
    let rawStrength, rawWriteGate, rawInterpolation: Scalar
    /// β = 1 + softplus(β̂), α = σ(α̂), γ = σ(γ̂).
    let strength, writeGate, interpolation: Scalar

    /// Head `j` of ξ: the slice is q (W), β̂ (1), a (W), α̂ (1), γ̂ (1).
    init(xi: UnsafePointer<Scalar>, head j: Int, width w: Int) {
        let base = xi + j * (2 * w + 3)
        query = base
        rawStrength = base[w]
        addition = base + w + 1
        rawWriteGate = base[2 * w + 1]
        rawInterpolation = base[2 * w + 2]
        strength = 1 + Activation.softplus(rawStrength)
        writeGate = Activation.sigmoid(rawWriteGate)
        interpolation = Activation.sigmoid(rawInterpolation)
    }
}

/// The LSTM controller, the interface projection and the output layer, forward and backward,
/// on one step's record. Parameters come as base pointers (`ParameterPointers`).
@usableFromInline
struct Controller<Scalar: ModelScalar> {
    let layout: ControllerLayout

    /// SPEC step 2: z = Wx c + Wh h_{t-1} + b; i, f, o = σ, g = tanh; cell_t = f⊙cell_{t-1} + i⊙g;
    /// h_t = o⊙tanh(cell_t). Reads `record[c]`, writes `gates`, `cell`, `h`. Time O(H(X+RW+H)).
    func forwardLSTM(_ p: ParameterPointers<Scalar>, record: UnsafeMutablePointer<Scalar>,
                     hPrev: UnsafePointer<Scalar>, cellPrev: UnsafePointer<Scalar>) {
        let h = layout.h, inputs = layout.x + layout.r * layout.w
        let z = record + layout.gates
        z.update(from: p.b, count: 4 * h)
        Scalar.gemv(transposed: false, rows: 4 * h, cols: inputs, alpha: 1, p.wx, record + layout.c, beta: 1, z)
        Scalar.gemv(transposed: false, rows: 4 * h, cols: h, alpha: 1, p.wh, hPrev, beta: 1, z)
        let cell = record + layout.cell, hidden = record + layout.hidden
        for k in 0..<h {
            let i = Activation.sigmoid(z[k]), f = Activation.sigmoid(z[h + k])
            let g = Scalar.tanh(z[2 * h + k]), o = Activation.sigmoid(z[3 * h + k])
            z[k] = i; z[h + k] = f; z[2 * h + k] = g; z[3 * h + k] = o
            cell[k] = f * cellPrev[k] + i * g
            hidden[k] = o * Scalar.tanh(cell[k])
        }
    }

    /// SPEC step 3: ξ = Wξ h_t + bξ. Reads `h`, writes `xi`.
    func forwardInterface(_ p: ParameterPointers<Scalar>, record: UnsafeMutablePointer<Scalar>) {
        let n = layout.interfaceSize
        (record + layout.xi).update(from: p.bi, count: n)
        Scalar.gemv(transposed: false, rows: n, cols: layout.h, alpha: 1, p.wi, record + layout.hidden,
                    beta: 1, record + layout.xi)
    }

    /// SPEC step 6: y = Wy [h_t ; r_t] + by. `h` and `r` are adjacent in the record, so [h; r] is one vector.
    func forwardOutput(_ p: ParameterPointers<Scalar>, record: UnsafeMutablePointer<Scalar>) {
        (record + layout.output).update(from: p.by, count: layout.y)
        Scalar.gemv(transposed: false, rows: layout.y, cols: layout.h + layout.r * layout.w, alpha: 1, p.wy,
                    record + layout.hidden, beta: 1, record + layout.output)
    }

    /// Backward of the output layer: dWy += dy [h;r]ᵀ, dby += dy, d[h;r] += Wyᵀ dy.
    /// `dhr` holds H + R*W scalars: the gradient of [h_t ; r_t], accumulated into.
    func backwardOutput(_ p: ParameterPointers<Scalar>, _ g: ParameterPointers<Scalar>,
                        record: UnsafePointer<Scalar>, dy: UnsafePointer<Scalar>, dhr: UnsafeMutablePointer<Scalar>) {
        let cols = layout.h + layout.r * layout.w
        Scalar.ger(rows: layout.y, cols: cols, alpha: 1, dy, record + layout.hidden, g.wy)
        Scalar.axpy(layout.y, alpha: 1, dy, g.by)
        Scalar.gemv(transposed: true, rows: layout.y, cols: cols, alpha: 1, p.wy, dy, beta: 1, dhr)
    }

    /// Backward of the interface projection: dWξ += dξ hᵀ, dbξ += dξ, dh += Wξᵀ dξ.
    func backwardInterface(_ p: ParameterPointers<Scalar>, _ g: ParameterPointers<Scalar>,
                           record: UnsafePointer<Scalar>, dxi: UnsafePointer<Scalar>, dh: UnsafeMutablePointer<Scalar>) {
        let n = layout.interfaceSize
        Scalar.ger(rows: n, cols: layout.h, alpha: 1, dxi, record + layout.hidden, g.wi)
        Scalar.axpy(n, alpha: 1, dxi, g.bi)
        Scalar.gemv(transposed: true, rows: n, cols: layout.h, alpha: 1, p.wi, dxi, beta: 1, dh)
    }

    /// Backward of the LSTM cell (Proofs/lstm-cell.md). On entry `dh`, `dcell` hold dL/dh_t, dL/dcell_t;
    /// on exit they hold dL/dh_{t-1}, dL/dcell_{t-1}, and `dc` (X + R*W) holds dL/dc_t.
    /// `dz` is scratch of 4H. `flipGateSign` is a test-only fault (a wrong sign in the input-gate derivative).
    func backwardLSTM(_ p: ParameterPointers<Scalar>, _ g: ParameterPointers<Scalar>, record: UnsafePointer<Scalar>,
                      hPrev: UnsafePointer<Scalar>, cellPrev: UnsafePointer<Scalar>,
                      dh: UnsafeMutablePointer<Scalar>, dcell: UnsafeMutablePointer<Scalar>,
                      dc: UnsafeMutablePointer<Scalar>, dz: UnsafeMutablePointer<Scalar>, flipGateSign: Bool = false) {
        let h = layout.h, inputs = layout.x + layout.r * layout.w
        let gates = record + layout.gates, cell = record + layout.cell
        for k in 0..<h {
            let i = gates[k], f = gates[h + k], gg = gates[2 * h + k], o = gates[3 * h + k]
            let tc = Scalar.tanh(cell[k])
            let dCell = dcell[k] + dh[k] * o * (1 - tc * tc)
            let di = dCell * gg, df = dCell * cellPrev[k], dg = dCell * i, dO = dh[k] * tc
            dz[k] = (flipGateSign ? -1 : 1) * di * i * (1 - i)
            dz[h + k] = df * f * (1 - f)
            dz[2 * h + k] = dg * (1 - gg * gg)
            dz[3 * h + k] = dO * o * (1 - o)
            dcell[k] = dCell * f
        }
        Scalar.ger(rows: 4 * h, cols: inputs, alpha: 1, dz, record + layout.c, g.wx)
        Scalar.ger(rows: 4 * h, cols: h, alpha: 1, dz, hPrev, g.wh)
        Scalar.axpy(4 * h, alpha: 1, dz, g.b)
        Scalar.gemv(transposed: true, rows: 4 * h, cols: inputs, alpha: 1, p.wx, dz, beta: 0, dc)
        Scalar.gemv(transposed: true, rows: 4 * h, cols: h, alpha: 1, p.wh, dz, beta: 0, dh)
    }
}

/// The controller's part of one step that SAM and DAM share, around their memory access.
extension Controller {
    /// Forward, before memory access: c_t = [x_t ; r_{t-1}], the LSTM and the interface.
    func beginStep(_ p: ParameterPointers<Scalar>, record: UnsafeMutablePointer<Scalar>, input: UnsafePointer<Scalar>,
                   h: UnsafePointer<Scalar>, cell: UnsafePointer<Scalar>, read: UnsafePointer<Scalar>) {
        (record + layout.c).update(from: input, count: layout.x)
        (record + layout.c + layout.x).update(from: read, count: layout.r * layout.w)
        forwardLSTM(p, record: record, hPrev: h, cellPrev: cell)
        forwardInterface(p, record: record)
    }

    /// Forward, after memory access: y_t, written to `outputs` row t; returns the step's loss (0 if masked out).
    func endStep(_ p: ParameterPointers<Scalar>, record: UnsafeMutablePointer<Scalar>, step t: Int, loss kind: LossKind,
                 episode: Episode<Scalar>, outputs: inout [Scalar]) -> Scalar {
        forwardOutput(p, record: record)
        let y = record + layout.output, n = layout.y
        outputs.withUnsafeMutableBufferPointer { $0.baseAddress!.advanced(by: t * n).update(from: y, count: n) }
        guard episode.mask[t] != 0 else { return 0 }
        return episode.targets.withUnsafeBufferPointer { Loss.value(kind, y, $0.baseAddress! + t * n, count: n) }
    }

    /// Backward, before memory access: dy_t, then d[h_t ; r_t] into `v.dhr` (dh_t arrives in `v.dh` and
    /// dr_t as the tail of `v.dc`, both from step t+1); clears `v.dxi` for the memory access to fill.
    func beginBackwardStep(_ p: ParameterPointers<Scalar>, _ g: ParameterPointers<Scalar>, record: UnsafePointer<Scalar>,
                           step t: Int, configuration c: ModelConfiguration, episode: Episode<Scalar>,
                           upstream: [Scalar]?, _ v: BackwardScratch<Scalar>) {
        outputGradient(step: t, c, y: record + layout.output, episode: episode, upstream: upstream, into: v.dy)
        v.dhr.update(from: v.dh, count: layout.h)   // dh_t from step t+1's LSTM
        (v.dhr + layout.h).update(from: v.dc + layout.x, count: layout.r * layout.w)
        backwardOutput(p, g, record: record, dy: v.dy, dhr: v.dhr)
        v.dxi.zero(layout.interfaceSize)
    }

    /// Backward, after memory access: the interface and the LSTM; writes dL/dx_t into `inputGradient`
    /// row t and leaves dL/dh_{t-1}, dL/dcell_{t-1}, dL/dc_t in `v`.
    func endBackwardStep(_ p: ParameterPointers<Scalar>, _ g: ParameterPointers<Scalar>, record: UnsafePointer<Scalar>,
                         hPrevious: UnsafePointer<Scalar>, cellPrevious: UnsafePointer<Scalar>, step t: Int,
                         _ v: BackwardScratch<Scalar>, inputGradient: inout [Scalar], fault: GradientFault?) {
        v.dh.update(from: v.dhr, count: layout.h)
        backwardInterface(p, g, record: record, dxi: v.dxi, dh: v.dh)
        backwardLSTM(p, g, record: record, hPrev: hPrevious, cellPrev: cellPrevious, dh: v.dh, dcell: v.dcell,
                     dc: v.dc, dz: v.dz, flipGateSign: fault == .flipGateSign)
        for i in 0..<layout.x { inputGradient[t * layout.x + i] = v.dc[i] }
    }
}

extension Controller {
    /// `endBackwardStep` with h_{t-1} and cell_{t-1} taken from the previous step's record, or at the
    /// first step of a segment from the state carried into it.
    func endBackwardStep<State: ControllerState>(_ p: ParameterPointers<Scalar>, _ g: ParameterPointers<Scalar>,
                                                 record: UnsafePointer<Scalar>, previousRecord: UnsafePointer<Scalar>?,
                                                 segmentStart: State, step t: Int, _ v: BackwardScratch<Scalar>,
                                                 inputGradient: inout [Scalar], fault: GradientFault?)
    where State.Scalar == Scalar {
        if let previousRecord {
            endBackwardStep(p, g, record: record, hPrevious: previousRecord + layout.hidden,
                            cellPrevious: previousRecord + layout.cell, step: t, v, inputGradient: &inputGradient, fault: fault)
            return
        }
        segmentStart.h.withUnsafeBufferPointer { h0 in
            segmentStart.cell.withUnsafeBufferPointer { cell0 in
                endBackwardStep(p, g, record: record, hPrevious: h0.baseAddress!, cellPrevious: cell0.baseAddress!,
                                step: t, v, inputGradient: &inputGradient, fault: fault)
            }
        }
    }
}

extension GradientFault {
    /// Applies the parameter-scaling faults after a backward pass.
    func applyAfterBackward<Scalar: ModelScalar>(to parameters: ParameterStore<Scalar>) {
        if self == .floatOnlyOutputGradient && Scalar.self == Float.self {
            let gradient = parameters.gradient("output.W")
            for i in gradient.indices { gradient[i] *= 1 + 1e-4 }
        }
        guard self == .scaleInterfaceGradient else { return }
        let gradient = parameters.gradient("interface.W")
        for i in gradient.indices { gradient[i] *= 1 + 1e-3 }
    }
}
