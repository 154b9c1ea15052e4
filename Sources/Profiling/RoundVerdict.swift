import ComplexityFit

/// A time target judged round by round, never on one pooled figure.
///
/// The sweep measures each (model, N) in `processes` worker processes, one per round, and a round
/// measures every (model, N) once before the next round begins (`Sweep.run`). So the values of one
/// round were taken minutes apart, those of different rounds up to an hour apart, and this machine's
/// speed moves between them. A quantity is therefore formed within each round (a step's time, an
/// episode's time, a ratio of two sizes' or two models' times from the same round: a paired design),
/// and the target is judged on every round:
/// - **met** when every round meets it;
/// - **not met** when no round does;
/// - **inconclusive** when the rounds disagree (the machine's speed decided the verdict), or when
///   there are fewer than `minimumRounds` rounds (one process per (model, N): nothing to compare).
///
/// `RoundRuleCalibration` measures how often this rule and a pooled figure err, on a run's own noise.
public struct RoundVerdict: Sendable, Equatable {
    /// Rounds needed to judge at all.
    public static let minimumRounds = 2
    /// The quantity in each round, in round order.
    public let rounds: [Double]

    /// The quantity's value in each round.
    public init(_ rounds: [Double]) { self.rounds = rounds }

    /// The rule above; `meets` says whether one round's value meets the target.
    public func status(meets: (Double) -> Bool) -> HeadlineStatus {
        guard rounds.count >= Self.minimumRounds else { return .inconclusive }
        let meeting = rounds.filter(meets).count
        return meeting == rounds.count ? .met : meeting == 0 ? .notMet : .inconclusive
    }

    /// "by round: 1.43×, 1.70×, 1.83×", or why no round can be shown.
    public func text(_ format: (Double) -> String) -> String {
        rounds.count < Self.minimumRounds
            ? "one process per (model, N): no rounds to judge by"
            : "by round: " + rounds.map(format).joined(separator: ", ")
    }

    /// This quantity over `other`, round by round (nil when their rounds differ in number).
    public func divided(by other: RoundVerdict) -> RoundVerdict? {
        guard rounds.count == other.rounds.count else { return nil }
        return RoundVerdict(zip(rounds, other.rounds).map { $0 / $1 })
    }
}

extension SizeMeasurement {
    /// Forward + backward seconds per step in each round: the median of each process's segments.
    /// Empty with one process, whose segments share one stretch of time and pair with no other size's.
    public var roundStepSeconds: RoundVerdict {
        RoundVerdict(processCount > 1 ? replicates(stepSeconds) : [])
    }

    /// Forward + backward per step in units of the paired reference (`Driver`), in each round: the
    /// median over the round's segments of the segment's step over its reference. Empty with one
    /// process or without references.
    public var roundReferencedStep: RoundVerdict { referenced(stepSeconds) }

    /// One episode (T steps forward and backward, then the reset) in units of the paired reference's
    /// step, in each round (empty as `roundReferencedStep`, or when the reset was not measured).
    public var roundReferencedEpisode: RoundVerdict {
        guard let reset = resetSeconds, reset.count == stepSeconds.count else { return RoundVerdict([]) }
        return referenced(zip(stepSeconds, reset).map { Double(steps) * $0 + $1 })
    }

    /// Each round's median of `values[i]` over segment i's reference.
    func referenced(_ values: [Double]) -> RoundVerdict {
        guard processCount > 1, let reference = referenceStepSeconds, reference.count == values.count else { return RoundVerdict([]) }
        return RoundVerdict(replicates(zip(values, reference).map { $0 / $1 }))
    }

    /// One episode, T steps forward and backward and then the reset, in seconds, in each round
    /// (empty as `roundStepSeconds`, or when the reset was not measured).
    public var roundEpisodeSeconds: RoundVerdict {
        guard processCount > 1, let reset = resetSeconds, !reset.isEmpty else { return RoundVerdict([]) }
        return RoundVerdict(zip(replicates(stepSeconds), replicates(reset)).map { Double(steps) * $0 + $1 })
    }
}
