@_spi(FaultInjection) import MemoryModels
import SAMNumerics
import NearestNeighbours

/// A model, an episode and one training forward + backward, with the means to perturb any coordinate
/// (a parameter entry or an input entry) and re-run the loss from M_0.
///
/// Coordinates are numbered parameters first (P = `parameters.totalCount`, SPEC order), then the
/// inputs (T x X); `analytic` holds the hand-written gradient in that order (P + T*X).
///
/// The training forward runs through the case's index (an approximate one runs its own search, and
/// its counters give `indexWork`). Replayed evaluations hold the decisions fixed, so they need no
/// search: they run on a twin with the exact index (its rebuild at each reset is an O(N·W) pass, not
/// a k-d forest or LSH build) and a zero M_0 onto which the case's M_0 is copied (no random fill).
final class Probe {
    let model: any MemoryModel<Double>
    /// The exact-index twin replayed evaluations run on, and the case's M_0 it starts from.
    private let replayModel: any MemoryModel<Double>
    private let initialMemory: [Double]
    /// The index's own counters over the training forward (SAM only).
    let indexWork: IndexWork?
    let verificationCase: VerificationCase
    let baseEpisode: Episode<Double>
    var episode: Episode<Double>
    /// Decisions of the unperturbed training forward.
    let decisions: RecordedDecisions
    /// dL/dθ then dL/dx, P + T*X.
    let analytic: [Double]
    let loss: Double
    let parameterCount: Int

    init(_ c: VerificationCase, fault: GradientFault? = nil) throws {
        verificationCase = c
        model = try c.makeModel()
        model.fault = fault
        baseEpisode = try c.episode()
        episode = baseEpisode
        model.reset()
        initialMemory = model.memory.snapshot()
        let before = (model as? SAM<Double>)?.index.counters
        loss = try model.forward(episode, mode: .training, replay: nil).loss
        indexWork = (model as? SAM<Double>).flatMap { sam in
            before.map { IndexWork(index: c.configuration.index, memoryWords: c.configuration.memoryWords,
                                   before: $0, after: sam.index.counters) }
        }
        replayModel = try c.model.make(c.configuration.with(index: .exact, memoryInitialisation: .zeros))
        decisions = model.decisions
        let dx = try model.backward(outputGradient: nil)
        analytic = Array(model.parameters.gradients) + dx
        parameterCount = model.parameters.totalCount
    }

    var coordinateCount: Int { analytic.count }

    /// Name, flat index and shape of coordinate `i`.
    func coordinate(_ i: Int) -> Coordinate {
        if i >= parameterCount {
            return Coordinate(name: "inputs", index: i - parameterCount,
                              shape: [episode.steps, verificationCase.configuration.inputSize])
        }
        let slice = model.parameters.slices.last { $0.offset <= i }!
        return Coordinate(name: slice.name, index: i - slice.offset, shape: slice.shape)
    }

    /// The blocks of coordinates: each parameter, then `inputs`, as (name, range).
    var blocks: [(String, Range<Int>)] {
        model.parameters.slices.map { ($0.name, $0.offset..<($0.offset + $0.count)) }
            + [("inputs", parameterCount..<coordinateCount)]
    }

    func value(_ i: Int) -> Double {
        i < parameterCount ? model.parameters.values[i] : episode.inputs[i - parameterCount]
    }

    func set(_ i: Int, _ v: Double) throws {
        if i < parameterCount { model.parameters.values[i] = v; return }
        var x = episode.inputs
        x[i - parameterCount] = v
        episode = try Episode(configuration: verificationCase.configuration, inputs: x,
                              targets: episode.targets, mask: episode.mask)
    }

    /// Sets every coordinate to `base + t·direction` (both P + T*X long).
    func set(base: [Double], direction: [Double], t: Double) throws {
        let p = parameterCount
        for i in 0..<p { model.parameters.values[i] = base[i] + t * direction[i] }
        let x = (p..<base.count).map { base[$0] + t * direction[$0] }
        episode = try Episode(configuration: verificationCase.configuration, inputs: x,
                              targets: episode.targets, mask: episode.mask)
    }

    /// Current values of every coordinate.
    func values() -> [Double] { Array(model.parameters.values) + episode.inputs }

    /// The loss from M_0 at the current coordinates. With `replay`, the recorded decisions are held
    /// fixed; without, they are recomputed and the first one that differs is returned.
    func evaluate(replay: Bool) throws -> (loss: Double, flipped: String?) {
        if replay {
            replayModel.parameters.copyValues(from: model.parameters)
            DecisionAudit.start(replayModel, memory: initialMemory)
            return (try replayModel.forward(episode, mode: .inference, replay: decisions).loss, nil)
        }
        model.reset()
        // Recorded-link gradients: the link state is the recorded one, as in replay (Proofs/sdnc-gradients.md).
        if let sdnc = model as? SDNC<Double>, sdnc.settings.gradient == .recorded { sdnc.heldLinks = decisions }
        // A training forward, because SAM records its decisions on the tape.
        let l = try model.forward(episode, mode: .training, replay: nil).loss
        return (l, model.decisions.firstDifference(from: decisions))
    }

    /// Largest |analytic| entry (the scale of the analytic side's rounding).
    lazy var gradientScale: Double = analytic.reduce(0) { max($0, abs($1)) }
    /// κ = |L| + Σ_v |∂L/∂v · v| over every parameter and input at the unperturbed point: the loss's
    /// condition, so ε·κ bounds its rounding error under backward-stable evaluation.
    lazy var condition: Double = zip(analytic, values()).reduce(abs(loss)) { $0 + abs($1.0 * $1.1) }
}

/// How much work the index did over a training forward, from its own counters.
public struct IndexWork: Codable, Sendable, Equatable {
    /// The index that ran.
    public let index: IndexKind
    /// N.
    public let memoryWords: Int
    /// Queries made (R per step).
    public let queries: Int
    /// Distances the index evaluated over all queries (its own counter).
    public let distanceEvaluations: Int
    /// distanceEvaluations / queries: below N means the index did not scan every row.
    public let distancesPerQuery: Double

    init(index: IndexKind, memoryWords: Int, before: IndexCounters, after: IndexCounters) {
        self.index = index
        self.memoryWords = memoryWords
        queries = after.queries - before.queries
        distanceEvaluations = after.distanceEvaluations - before.distanceEvaluations
        distancesPerQuery = queries > 0 ? Double(distanceEvaluations) / Double(queries) : 0
    }
}
