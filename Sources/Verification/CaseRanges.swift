import MemoryModels

/// The ranges `CaseGenerator` draws configurations from (SPEC "Notation" symbols), and the presets.
///
/// - `toy` (the default, and `make test`'s): N 2...12, W 1...5, R 1...3 (≤ N), K 1...N, H 1...6,
///   X 1...4, Y 1...3, T 1...6, δ ∈ {0, 0.005, 0.05, 0.3}, M_0 uniform in ±(0.1...1) with one case in
///   six from zeros (where similarities tie), parameter scale 0.5...2, either loss, every mask entry 1.
/// - `paper` (Rae et al. 2016's sizes): W = 32, R = 4, K = 4, H = 100, X = Y = 8, N = 2^e with
///   e ∈ 10...16, T 1...50, δ = 0.005, M_0 uniform in ±0.5, parameter scale 1, either loss.
///   With the default 32 checks, N ≥ 1024 ≥ 16 × checks: the k-d forest and LSH run their own search.
public struct CaseRanges: Codable, Sendable, Equatable {
    /// N is drawn as 2^e, e in `memoryWordsLog2`, when set; otherwise from `memoryWords`.
    public var memoryWords: ClosedRange<Int>
    /// When set, N = 2^e with e drawn from this range (the paper preset).
    public var memoryWordsLog2: ClosedRange<Int>?
    /// W, word size.
    public var wordSize: ClosedRange<Int>
    /// R; clamped to N.
    public var heads: ClosedRange<Int>
    /// K; clamped to N (nil: 1...N).
    public var neighbours: ClosedRange<Int>?
    /// H, controller units.
    public var hidden: ClosedRange<Int>
    /// X, input size.
    public var inputSize: ClosedRange<Int>
    /// Y, output size.
    public var outputSize: ClosedRange<Int>
    /// T.
    public var steps: ClosedRange<Int>
    /// The access thresholds δ drawn from (SPEC: a row counts as read when its weight exceeds δ).
    public var thresholds: [Double]
    /// Fraction of steps whose mask entry is 1, in (0, 1].
    public var maskDensity: Double
    /// How M_0 is drawn.
    public var memory: MemoryChoice
    /// M_0 given as values (N x W row-major, `samkit verify --memory file:PATH`): replaces `memory`'s
    /// draw in every case; N and W must then be the file's (the CLI fixes them).
    public var initialMemory: [Double]? = nil
    /// The loss; nil draws either.
    public var loss: LossKind?
    /// Scale of the random parameters (`ModelConfiguration.parameterScale`).
    public var parameterScale: ClosedRange<Double>

    /// How M_0 is drawn: `zero`, `uniform` (±0.5), or `mixed` (uniform of a random scale, one case in six zero).
    public enum MemoryChoice: String, Codable, Sendable, CaseIterable {
        /// Uniform in ±(0.1...1), one case in six from zeros (toy).
        case mixed
        case zero
        /// Uniform in ±0.5.
        case uniform
    }

    /// Small cases where every coordinate is checked: N 2-12, W 1-5, R 1-3, H 1-6, X 1-4, Y 1-3, T 1-6 (`make test`).
    public static let toy = CaseRanges(
        memoryWords: 2...12, memoryWordsLog2: nil, wordSize: 1...5, heads: 1...3, neighbours: nil, hidden: 1...6,
        inputSize: 1...4, outputSize: 1...3, steps: 1...6, thresholds: [0, 0.005, 0.05, 0.3], maskDensity: 1,
        memory: .mixed, loss: nil, parameterScale: 0.5...2)

    /// The paper's sizes: W 32, R 4, K 4, H 100, X = Y = 8, N = 2^10...2^16, T 1-50.
    public static let paper = CaseRanges(
        memoryWords: 1024...65536, memoryWordsLog2: 10...16, wordSize: 32...32, heads: 4...4, neighbours: 4...4,
        hidden: 100...100, inputSize: 8...8, outputSize: 8...8, steps: 1...50, thresholds: [0.005], maskDensity: 1,
        memory: .uniform, loss: nil, parameterScale: 1...1)

    /// The presets by name.
    public static let presets: [String: CaseRanges] = ["toy": .toy, "paper": .paper]

    /// Every range non-empty and positive, the mask density in (0, 1]; the message names the field.
    public func validate() throws(ConfigurationError) {
        for (name, r) in [("N", memoryWords), ("W", wordSize), ("R", heads), ("H", hidden), ("X", inputSize),
                          ("Y", outputSize), ("T", steps)] + (neighbours.map { [("K", $0)] } ?? []) where r.lowerBound < 1 {
            throw .outOfRange(field: name, value: "\(r.lowerBound)...\(r.upperBound)", valid: "integers ≥ 1")
        }
        if !(maskDensity > 0 && maskDensity <= 1) {
            throw .outOfRange(field: "mask density", value: "\(maskDensity)", valid: "(0, 1]")
        }
    }
}
