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
///   fault cannot change (`FaultExercise`) is "cannot judge", not counted.
/// - Clean code: every check on `cleanCases` cases per model; any failure is a false alarm.
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
    /// Cases per model for each fault.
    public let cases: Int
    /// Clean cases per model on which every check runs.
    public let cleanCases: Int
    /// The sized sites' rows, after `run`.
    public private(set) var sized: [Row] = []
    /// The code faults (`GradientFault`): cases that caught each, of those counted, and the cases the
    /// fault cannot change (`FaultExercise`: cannot judge, neither caught nor counted).
    public private(set) var code: [(fault: GradientFault, caught: Int, counted: Int, cannotJudge: Int)] = []
    /// Clean run: checks run, checks failed (false alarms), checks that could not judge.
    public private(set) var cleanChecks = 0, cleanFailures = 0, cleanCannotJudge = 0
    /// The first false alarm's check, model and case seed.
    public private(set) var firstFalseAlarm: String?
    /// Wall-clock seconds the clean run spent on each model (what justifies the SDNC's cap).
    public private(set) var cleanSeconds: [ModelKind: Double] = [:]

    /// A sweep of `cases` faulted and `cleanCases` clean cases per model, from `seed`.
    public init(seed: UInt64, cases: Int, cleanCases: Int) {
        self.seed = seed
        self.cases = cases
        self.cleanCases = cleanCases
    }

    /// Every site caught at 1e-4 in every counted case, every code fault caught, no false alarm.
    public var passed: Bool {
        sized.allSatisfy { ($0.floor ?? 1) <= 1e-4 } && code.allSatisfy { $0.counted > 0 && $0.caught == $0.counted } && cleanFailures == 0
    }

    /// Runs the sweep; `progress` gets a line per stage.
    public mutating func run(progress: (String) -> Void = { _ in }) throws {
        let generator = CaseGenerator(seed: seed)
        let faulted = try (0..<cases).flatMap { i in try ModelKind.allCases.map { try generator.makeCase(i, model: $0) } }
        // Per case, the replay check's finite differences are taken once and judge every Double site at
        // every magnitude (`FiniteDifferenceCheck.run(_:perturbations:)`); the Float site runs per magnitude.
        var counts = Self.sizedSites.map { _ in Self.magnitudes.map { _ in (caught: 0, counted: 0) } }
        for (number, c) in faulted.enumerated() {
            progress("fault sweep: sized sites, case \(number + 1)/\(faulted.count)")
            let probe = try Probe(c)
            let sites = Self.sizedSites.indices.filter { !Self.sizedSites[$0].float }
            let perturbations = sites.flatMap { s in Self.magnitudes.map { m in
                GradientPerturbation(block: Self.sizedSites[s].block, oneEntry: Self.sizedSites[s].oneEntry, magnitude: m) } }
            let replayed = try FiniteDifferenceCheck.run(c, replay: true, perturbations: perturbations)
            for (s, site) in Self.sizedSites.enumerated() where !Self.isZero(site.block, on: probe) {
                for (k, m) in Self.magnitudes.enumerated() {
                    let r = site.float
                        ? try FloatAgreementCheck.run(c, perturbation: GradientPerturbation(block: site.block, oneEntry: site.oneEntry, magnitude: m))
                        : replayed[sites.firstIndex(of: s)! * Self.magnitudes.count + k]
                    counts[s][k].counted += 1
                    if r.verdict == .fails { counts[s][k].caught += 1 }
                }
            }
        }
        sized = Self.sizedSites.enumerated().map { s, site in
            Row(site: site.name, check: site.float ? "float vs double" : "replay", counts: counts[s])
        }
        progress("fault sweep: code sites")
        for fault in GradientFault.allCases + GradientFault.floatFaults + GradientFault.sdncFaults {
            var caught = 0, counted = 0, idle = 0
            for c in faulted where Self.applies(fault, to: c.model) {
                guard try FaultExercise.changes(fault, on: c) else { idle += 1; continue }
                counted += 1
                if Verifier.detects(fault, on: c) { caught += 1 }
            }
            code.append((fault, caught, counted, idle))
        }
        for i in 0..<cleanCases {
            if i % 50 == 0 { progress("fault sweep: clean case \(i + 1)/\(cleanCases)") }
            for model in ModelKind.allCases where Self.cleanCases(cleanCases, model) > i {
                let c = try generator.makeCase(cases + i, model: model), start = Date()
                defer { cleanSeconds[model, default: 0] += Date().timeIntervalSince(start) }
                for r in Verifier.run(c, checks: CheckKind.allCases) {
                    cleanChecks += 1
                    if r.verdict == .fails {
                        cleanFailures += 1
                        if firstFalseAlarm == nil { firstFalseAlarm = "\(r.check.rawValue) on \(c.model), case seed \(c.seed)" }
                    }
                    if r.verdict == .cannotJudge { cleanCannotJudge += 1 }
                }
            }
        }
    }

    /// The SDNC's checks cost the most per case (before its forward was specialised, replay and free
    /// mode took 1.4 and 0.9 s of user time per toy case against SAM's 0.12 s for every check), so its
    /// clean run is capped; the report's header gives the cap and the seconds per case measured in the run.
    public static let sdncCleanCases = 50
    /// Clean cases of `model` in a sweep of `cleanCases` per model.
    public static func cleanCases(_ cleanCases: Int, _ model: ModelKind) -> Int {
        model == .sdnc ? min(cleanCases, sdncCleanCases) : cleanCases
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
