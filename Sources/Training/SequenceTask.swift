import MemoryModels
import SAMNumerics

/// A seeded sequence task of the NTM and SAM papers: episodes of T steps with inputs (T × X),
/// binary targets (T × Y) and a loss mask (T; 1 on the answer steps), at a curriculum `level`
/// (the task's difficulty: sequence length, number of items, number of vectors).
public protocol SequenceTask: Sendable {
    /// The task's name on the command line: copy, recall or sort.
    var name: String { get }
    /// Input size X and output size Y of the episodes.
    var inputSize: Int { get }
    var outputSize: Int { get }
    /// The levels the task can be asked for (the curriculum draws from these).
    var levels: ClosedRange<Int> { get }
    /// Steps T of an episode at `level`.
    func steps(level: Int) -> Int
    /// One episode at `level`, drawn from `rng`, as flat arrays (inputs T × X, targets T × Y, mask T).
    func sample(level: Int, using rng: inout SeededGenerator) -> TaskSample
}

/// One episode's arrays, in `Double` (converted to the model's scalar by `episode`).
public struct TaskSample: Sendable, Equatable {
    public let steps: Int
    /// T × X, row-major.
    public let inputs: [Double]
    /// T × Y, row-major, each 0 or 1.
    public let targets: [Double]
    /// T, each 0 or 1.
    public let mask: [Double]
}

extension SequenceTask {
    /// A seeded episode at `level` for a configuration with this task's X and Y.
    public func episode<Scalar: ModelScalar>(_ c: ModelConfiguration, level: Int, using rng: inout SeededGenerator)
        throws(ConfigurationError) -> Episode<Scalar> {
        let s = sample(level: level, using: &rng)
        return try Episode(configuration: c, inputs: s.inputs.map { Scalar($0) }, targets: s.targets.map { Scalar($0) },
                           mask: s.mask.map { Scalar($0) })
    }
}

/// Bits wrong in one episode: outputs (logits) thresholded at 0 (sigmoid 1/2) against the binary
/// targets, on the masked steps. `outputs` and `targets` are T × Y.
@_specialize(where Scalar == Float)
public func wrongBits<Scalar: ModelScalar>(_ outputs: [Scalar], _ episode: Episode<Scalar>) -> Int {
    let y = episode.targets.count / max(1, episode.steps)
    var wrong = 0
    for t in 0..<episode.steps where episode.mask[t] != 0 {
        for b in 0..<y where (outputs[t * y + b] > 0) != (episode.targets[t * y + b] > 0.5) { wrong += 1 }
    }
    return wrong
}

/// The tasks `samkit train --task` names, with the sizes the learning report uses.
public enum TaskKind: String, Codable, Sendable, CaseIterable {
    case copy, recall, sort

    /// The task with `bits`-bit vectors and at most `maxLevel` (copy: patterns; recall: items;
    /// sort: input vectors).
    public func make(bits: Int, maxLevel: Int) -> any SequenceTask {
        switch self {
        case .copy: CopyTask(bits: bits, length: maxLevel)
        case .recall: AssociativeRecallTask(bits: bits, itemLength: 3, maxItems: max(2, maxLevel))
        case .sort: PrioritySortTask(bits: bits, maxVectors: maxLevel)
        }
    }
}

/// `count` random bits from `rng`, as 0 or 1.
func randomBits(_ count: Int, using rng: inout SeededGenerator) -> [Double] {
    (0..<count).map { _ in Bool.random(using: &rng) ? 1 : 0 }
}
