import MemoryModels
import SAMNumerics

/// The L2 norm of a gradient per functional block of SPEC's parameters, to see which paths carry
/// learning signal during training (a diagnostic of `samkit train --gradient-trace`).
///
/// Blocks: `lstm.Wx` split into its input columns (X) and its read columns (R·W, the path from
/// r_{t-1}); `lstm.Wh`; `lstm.b`; `interface.W` and `interface.b` together, split by head field
/// (q: W rows, β̂: 1, a: W, α̂: 1, γ̂: 1, per head; any SDNC read-mode rows as "mode");
/// `output.W` split into its h columns (H) and read columns (R·W); `output.b`.
public struct GradientBlocks: Sendable {
    public static let names = ["lstm.Wx.input", "lstm.Wx.read", "lstm.Wh", "lstm.b", "interface.query",
                               "interface.strength", "interface.addition", "interface.writeGate",
                               "interface.interpolation", "interface.mode", "output.W.h", "output.W.read", "output.b"]
    let configuration: ModelConfiguration

    public init(_ c: ModelConfiguration) { configuration = c }

    /// The block of `interface` row `row` (0 ..< interfaceSize).
    func interfaceBlock(_ row: Int) -> Int {
        let c = configuration, perHead = c.interfacePerHead, w = c.wordSize
        guard row < c.heads * perHead else { return 9 }
        switch row % perHead {
        case 0..<w: return 4
        case w: return 5
        case (w + 1)..<(2 * w + 1): return 6
        case 2 * w + 1: return 7
        default: return 8
        }
    }

    /// Norms of `store.gradients` per block, in the order of `names`.
    public func norms<Scalar: ModelScalar>(_ store: ParameterStore<Scalar>) -> [Double] {
        let c = configuration, h = c.hidden
        var squares = [Double](repeating: 0, count: Self.names.count)
        func add(_ name: String, block: (_ row: Int, _ column: Int) -> Int) {
            let slice = store.slice(name), g = store.gradient(name)
            let columns = slice.shape.count == 2 ? slice.shape[1] : 1
            for i in 0..<slice.count {
                let v = Double(g[i])
                squares[block(i / columns, i % columns)] += v * v
            }
        }
        add("lstm.Wx") { _, column in column < c.inputSize ? 0 : 1 }
        add("lstm.Wh") { _, _ in 2 }
        add("lstm.b") { _, _ in 3 }
        add("interface.W") { row, _ in interfaceBlock(row) }
        add("interface.b") { row, _ in interfaceBlock(row) }
        add("output.W") { _, column in column < h ? 10 : 11 }
        add("output.b") { _, _ in 12 }
        return squares.map { $0.squareRoot() }
    }
}
