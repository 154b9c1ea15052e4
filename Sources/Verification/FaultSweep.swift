import Foundation
import MemoryModels

/// The fault sweep (`samkit verify --fault-sweep FILE`): how small a fault each check catches, and how
/// often clean code is wrongly failed.
///
/// - Sized sites (`GradientPerturbation`): each parameter block (SPEC names) and dL/dx scaled by
///   1 + m, the largest entry of interface.W alone scaled by 1 + m (one entry), and output.W's Float
///   gradient scaled by 1 + m (Float only, judged by `FloatAgreementCheck`); m from 1e-1 down to 1e-6.
///   A Double site is judged by the replay check. A site whose block is exactly zero on a case is no
///   fault there (scaling changes nothing) and is not counted; "cannot judge" counts as not caught.
/// - Code sites (`GradientFault`, fixed size): caught when any check fails on the case; a case the
///   fault cannot change (`FaultExercise`) is "cannot judge", not counted. Per model the fault applies
///   to, cases 0, 1, 2, ... are drawn until `cases` are counted, at most `codeCaseCap(cases)`.
/// - Clean code: every check on `cleanCases` cases per model (SAM, DAM and the SDNC alike); any
///   failure is a false alarm.
///
/// The cases run on `workers` threads (`OrderedWork`); the tables are the same for any number.
public struct FaultSweep: Sendable {
    /// The relative fault sizes m each sized site is tried at, largest first.
    public static let magnitudes: [Double] = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6]
    /// The sized sites: a name, the block faulted, whether only its largest entry is, and whether
    /// the fault is in the Float path only (caught by the Float check alone).
    public static let sizedSites: [(name: String, block: String, oneEntry: Bool, float: Bool)] =
        ["lstm.Wx", "lstm.Wh", "lstm.b", "interface.W", "interface.b", "output.W", "output.b", "inputs"].map { ($0, $0, false, false) }
            + [("one entry: largest of interface.W", "interface.W", true, false), ("Float only: output.W", "output.W", false, true)]

    /// One row: a site and, per magnitude, (caught, counted).
    public struct Row: Sendable {
        /// The site's name (a block, one entry of a block, or the Float path).
        public let site: String
        /// The check that must catch it (`replay` or `float vs double`).
        public let check: String
        /// Per magnitude of `magnitudes`: the cases that caught it and the cases counted.
        public var counts: [(caught: Int, counted: Int)]
        /// The smallest magnitude caught on every counted case (all larger ones too), nil if none.
        public var floor: Double? {
            var floor: Double?
            for (m, c) in zip(FaultSweep.magnitudes, counts) { if c.counted > 0 && c.caught == c.counted { floor = m } else { break } }
            return floor
        }
    }

    /// The case generator's seed.
    public let seed: UInt64
    /// Cases per model for each sized fault; counted cases per model for each code fault.
    public let cases: Int
    /// Clean cases per model on which every check runs.
    public let cleanCases: Int
    /// The sized sites' rows, after `run`.
    public private(set) var sized: [Row] = []
    /// One code fault (`GradientFault`) on one model it applies to.
    public struct CodeCount: Sendable {
        /// The model.
        public let model: ModelKind
        /// Cases drawn (0, 1, ... of the generator), counted (the fault changes the case), caught.
        public var drawn = 0, counted = 0, caught = 0
        /// The cases the fault cannot change (`FaultExercise`: cannot judge, neither caught nor counted).
        public var cannotJudge: Int { drawn - counted }
    }
    /// The code faults, per model each applies to.
    public private(set) var code: [(fault: GradientFault, models: [CodeCount])] = []
    /// Clean run: checks run, checks failed (false alarms), checks that could not judge.
    public internal(set) var cleanChecks = 0, cleanFailures = 0, cleanCannotJudge = 0
    /// The first false alarm's check, model and case seed.
    public internal(set) var firstFalseAlarm: String?
    /// Wall-clock seconds the clean run spent on each model (summed over the workers).
    public internal(set) var cleanSeconds: [ModelKind: Double] = [:]

    /// A sweep of `cases` faulted and `cleanCases` clean cases per model, from `seed`.
    public init(seed: UInt64, cases: Int, cleanCases: Int) {
        self.seed = seed
        self.cases = cases
        self.cleanCases = cleanCases
    }

    /// At most this many cases per model are drawn for a code fault to count `cases` of them.
    public static func codeCaseCap(_ cases: Int) -> Int { 4 * cases }

    /// Every site caught at 1e-4 in every counted case; every code fault caught on every counted case,
    /// with `cases` counted on each model it applies to; no false alarm.
    public var passed: Bool {
        sized.allSatisfy { ($0.floor ?? 1) <= 1e-4 }
            && code.allSatisfy { $0.models.allSatisfy { $0.counted >= max(cases, 1) && $0.caught == $0.counted } }
            && cleanFailures == 0
    }

    /// Runs the sweep on `workers` threads (`OrderedWork`: the tables do not depend on their number);
    /// `progress` gets a line per stage.
    public mutating func run(workers: Int = 2, progress: @escaping @Sendable (String) -> Void = { _ in }) throws {
        let generator = CaseGenerator(seed: seed)
        let faulted = try (0..<cases).flatMap { i in try ModelKind.allCases.map { try generator.makeCase(i, model: $0) } }
        let counts = try OrderedWork.map(faulted.count, workers: workers) { number in
            progress("fault sweep: sized sites, case \(number + 1)/\(faulted.count)")
            return try Self.sizedCounts(faulted[number])
        }
        var totals = Self.sizedSites.map { _ in Self.magnitudes.map { _ in (caught: 0, counted: 0) } }
        for caseCounts in counts {
            for (s, row) in caseCounts.enumerated() {
                for (k, c) in row.enumerated() { totals[s][k].caught += c.caught; totals[s][k].counted += c.counted }
            }
        }
        sized = Self.sizedSites.enumerated().map { s, site in
            Row(site: site.name, check: site.float ? "float vs double" : "replay", counts: totals[s])
        }
        code = try codeFaults(generator, workers: workers, progress: progress)
        try runClean(generator, workers: workers, progress: progress)
    }

    /// Per sized site and magnitude, whether case `c` counts and catches it. The replay check's finite
    /// differences are taken once and judge every Double site at every magnitude
    /// (`FiniteDifferenceCheck.run(_:perturbations:)`); the Float site runs per magnitude.
    static func sizedCounts(_ c: VerificationCase) throws -> [[(caught: Int, counted: Int)]] {
        var counts = sizedSites.map { _ in magnitudes.map { _ in (caught: 0, counted: 0) } }
        let probe = try Probe(c)
        let sites = sizedSites.indices.filter { !sizedSites[$0].float }
        let perturbations = sites.flatMap { s in magnitudes.map { m in
            GradientPerturbation(block: sizedSites[s].block, oneEntry: sizedSites[s].oneEntry, magnitude: m) } }
        let replayed = try FiniteDifferenceCheck.run(c, replay: true, perturbations: perturbations)
        for (s, site) in sizedSites.enumerated() where !isZero(site.block, on: probe) {
            for (k, m) in magnitudes.enumerated() {
                let r = site.float
                    ? try FloatAgreementCheck.run(c, perturbation: GradientPerturbation(block: site.block, oneEntry: site.oneEntry, magnitude: m))
                    : replayed[sites.firstIndex(of: s)! * magnitudes.count + k]
                counts[s][k].counted += 1
                if r.verdict == .fails { counts[s][k].caught += 1 }
            }
        }
        return counts
    }

    /// Whether a code fault exists in a model: DAM has no journal; only the SDNC has links and read modes.
    public static func applies(_ fault: GradientFault, to model: ModelKind) -> Bool {
        if GradientFault.sdncFaults.contains(fault) { return model == .sdnc }
        return !(fault == .skipJournalRestore && model == .dam)
    }

    /// Whether `block`'s analytic gradient is exactly zero on the probe's case (then scaling it is no fault).
    static func isZero(_ block: String, on probe: Probe) -> Bool {
        guard let range = probe.blocks.first(where: { $0.0 == block })?.1 else { return true }
        return range.allSatisfy { probe.analytic[$0] == 0 }
    }
}
