import Foundation
import SAMNumerics

/// Validates the fitter and the verdict rule on seeded synthetic series: every true class under
/// every `SyntheticScenario` (its own noise model and the misspecified ones), for each design.
/// A series counts as *correct or indistinguishable* when the chosen class is the true one or within
/// ΔBIC < 2 of it (`ClaimVerdict.indistinguishableDelta`), the target; beside it, the verdict on
/// the claim "true class" (`ClaimVerdict.judge`) is counted: confirmed, contradicted (a false alarm)
/// or inconclusive.
/// `samkit fit --validate` writes the result; nothing here is typed by hand.
public struct FitValidation: Sendable {
    /// The targets of issue 11: ≥ 95% correct or indistinguishable per class, and no series whose
    /// true law grows more than 3× over the sweep called O(1).
    public static let targetRate = 0.95

    public var designs: [SyntheticDesign] = [.report, .readme]
    public var scenarios: [SyntheticScenario] = SyntheticScenario.allCases
    public var classes: [ComplexityClass] = ComplexityClass.allCases
    /// Series per (design, class, scenario).
    public var seriesPerCell: Int
    public var seed: UInt64
    /// How a series is analysed (the real fitter by default; a test injects faults here).
    public var analyse: @Sendable (ScalingSeries) throws -> ComplexityAnalysis

    /// The fit options of the default `analyse` (their `cacheSteps` is named in the report).
    public let options: FitOptions

    public init(seriesPerCell: Int = 50, seed: UInt64 = 0x5A11D, options: FitOptions = FitOptions(),
                analyse: (@Sendable (ScalingSeries) throws -> ComplexityAnalysis)? = nil) {
        self.seriesPerCell = seriesPerCell
        self.seed = seed
        self.options = options
        self.analyse = analyse ?? { try ComplexityFitter(options: options).analyse($0) }
    }

    /// Counts for one (design, class, scenario).
    public struct Cell: Codable, Sendable, Equatable {
        public let design: String
        public let trueClass: ComplexityClass
        public let scenario: SyntheticScenario
        public var series = 0
        /// Chosen class is the true one or indistinguishable from it (ΔBIC < 2).
        public var correctOrIndistinguishable = 0
        /// Verdicts on the claim "true class".
        public var confirmed = 0, contradicted = 0, inconclusive = 0
        /// Series whose true law grows more than 3× over the sweep, and how many of them were chosen O(1).
        public var grewLarge = 0, grewLargeCalledConstant = 0
        /// Chosen classes other than the true one, by name.
        public var confusions: [String: Int] = [:]
        /// Power: the claim of every other class judged against each series (one per series), by
        /// the wrong class's name: how many were confirmed (a missed fault) and contradicted (caught).
        public var wrongConfirmed: [String: Int] = [:], wrongContradicted: [String: Int] = [:]
    }

    public struct Result: Codable, Sendable, Equatable {
        public let seed: UInt64
        public let seriesPerCell: Int
        /// Where the verdict rule could place cache steps (`FitOptions.cacheSteps`).
        public let cacheSteps: CacheStepPlacement
        public let cells: [Cell]

        /// Correct-or-indistinguishable count of every series of a class, over all designs and scenarios.
        public func rate(_ cls: ComplexityClass) -> (correct: Int, series: Int) {
            let cs = cells.filter { $0.trueClass == cls }
            return (cs.reduce(0) { $0 + $1.correctOrIndistinguishable }, cs.reduce(0) { $0 + $1.series })
        }
        public var largeGrowthCalledConstant: Int { cells.reduce(0) { $0 + $1.grewLargeCalledConstant } }
        /// Whether every class reaches the target rate and no large growth was called O(1).
        public var meetsTargets: Bool {
            largeGrowthCalledConstant == 0 && Set(cells.map(\.trueClass)).allSatisfy { cls in
                let r = rate(cls)
                return Double(r.correct) >= FitValidation.targetRate * Double(r.series)
            }
        }
    }

    /// Runs every cell; `progress(done, total)` after each cell.
    public func run(progress: (Int, Int) -> Void = { _, _ in }) throws -> Result {
        var rng = SeededGenerator(seed: seed)
        var cells: [Cell] = []
        let total = designs.count * classes.count * scenarios.count
        for design in designs {
            for cls in classes {
                for scenario in scenarios {
                    var cell = Cell(design: design.name, trueClass: cls, scenario: scenario)
                    for _ in 0..<seriesPerCell {
                        let (series, truth) = try design.series(cls, scenario, rng: &rng)
                        let analysis = try analyse(series)
                        let verdict = ClaimVerdict.judge(cls, analysis)
                        cell.series += 1
                        let chosen = analysis.chosenFit, trueFit = analysis.fit(for: cls)
                        let delta = trueFit.map { analysis.options.criterion == .bic ? $0.bic - chosen.bic : $0.aic - chosen.aic } ?? .infinity
                        // Indistinguishable plainly, or once the same cache steps are offered to both (§7a).
                        if chosen.complexityClass == cls || min(delta, verdict.deltaWithSteps ?? .infinity) < ClaimVerdict.indistinguishableDelta {
                            cell.correctOrIndistinguishable += 1
                        }
                        // Power: every other class claimed against this series should not be confirmed.
                        for wrong in classes where wrong != cls {
                            let outcome = ClaimVerdict.judge(wrong, analysis).outcome
                            if outcome == .confirmed { cell.wrongConfirmed[wrong.rawValue, default: 0] += 1 }
                            if outcome == .contradicted { cell.wrongContradicted[wrong.rawValue, default: 0] += 1 }
                        }
                        switch verdict.outcome {
                        case .confirmed: cell.confirmed += 1
                        case .contradicted: cell.contradicted += 1
                        case .inconclusive: cell.inconclusive += 1
                        }
                        if truth > ClassSelection.largeGrowthFactor {
                            cell.grewLarge += 1
                            if analysis.selection.chosen == .constant { cell.grewLargeCalledConstant += 1 }
                        }
                        if analysis.selection.chosen != cls { cell.confusions[analysis.selection.chosen.rawValue, default: 0] += 1 }
                    }
                    cells.append(cell)
                    progress(cells.count, total)
                }
            }
        }
        return Result(seed: seed, seriesPerCell: seriesPerCell, cacheSteps: options.cacheSteps, cells: cells)
    }
}
