import Foundation
import Verification

/// A one-layer tanh RNN defined here, outside SAMKit: h_t = tanh(W_x x_t + W_h h_{t-1} + b),
/// y_t = V h_t + c, loss L = ½ Σ_t ‖y_t − target_t‖², with a hand-written backward pass (BPTT).
/// It conforms to SAMKit's public `GradientCheckable`, so the harness checks its gradient.
struct RNN: GradientCheckable {
    let inputs: [[Double]], targets: [[Double]]
    let inputSize: Int, hiddenSize: Int, outputSize: Int
    /// Parameters θ = [W_x (H×X), W_h (H×H), b (H), V (Y×H), c (Y)], row-major.
    var parameterCount: Int { hiddenSize * inputSize + hiddenSize * hiddenSize + hiddenSize + outputSize * hiddenSize + outputSize }

    private struct Views {
        let wx: Int, wh: Int, b: Int, v: Int, c: Int
    }
    private var offsets: Views {
        let wx = 0, wh = wx + hiddenSize * inputSize, b = wh + hiddenSize * hiddenSize, v = b + hiddenSize
        return Views(wx: wx, wh: wh, b: b, v: v, c: v + outputSize * hiddenSize)
    }

    /// The forward pass: hidden states h_0...h_T (h_0 = 0) and outputs y_1...y_T.
    private func forward(_ p: [Double]) -> (h: [[Double]], y: [[Double]]) {
        let o = offsets
        var h = [[Double](repeating: 0, count: hiddenSize)], y: [[Double]] = []
        for x in inputs {
            let previous = h.last!
            let next = (0..<hiddenSize).map { i in
                var a = p[o.b + i]
                for j in 0..<inputSize { a += p[o.wx + i * inputSize + j] * x[j] }
                for j in 0..<hiddenSize { a += p[o.wh + i * hiddenSize + j] * previous[j] }
                return tanh(a)
            }
            h.append(next)
            y.append((0..<outputSize).map { k in
                (0..<hiddenSize).reduce(p[o.c + k]) { $0 + p[o.v + k * hiddenSize + $1] * next[$1] }
            })
        }
        return (h, y)
    }

    func loss(_ p: [Double]) -> Double {
        let y = forward(p).y
        var sum = 0.0
        for t in y.indices {
            for k in y[t].indices {
                let e = y[t][k] - targets[t][k]
                sum += e * e / 2
            }
        }
        return sum
    }

    /// Backpropagation through time.
    func gradient(_ p: [Double]) -> [Double] {
        let o = offsets
        let (h, y) = forward(p)
        var g = [Double](repeating: 0, count: parameterCount)
        var dhNext = [Double](repeating: 0, count: hiddenSize)
        for t in stride(from: inputs.count - 1, through: 0, by: -1) {
            let dy = zip(y[t], targets[t]).map { $0 - $1 }
            var dh = dhNext
            for k in 0..<outputSize {
                g[o.c + k] += dy[k]
                for i in 0..<hiddenSize {
                    g[o.v + k * hiddenSize + i] += dy[k] * h[t + 1][i]
                    dh[i] += p[o.v + k * hiddenSize + i] * dy[k]
                }
            }
            let da = (0..<hiddenSize).map { dh[$0] * (1 - h[t + 1][$0] * h[t + 1][$0]) }
            dhNext = [Double](repeating: 0, count: hiddenSize)
            for i in 0..<hiddenSize {
                g[o.b + i] += da[i]
                for j in 0..<inputSize { g[o.wx + i * inputSize + j] += da[i] * inputs[t][j] }
                for j in 0..<hiddenSize {
                    g[o.wh + i * hiddenSize + j] += da[i] * h[t][j]
                    dhNext[j] += p[o.wh + i * hiddenSize + j] * da[i]
                }
            }
        }
        return g
    }
}
