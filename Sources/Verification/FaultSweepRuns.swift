import Foundation
@_spi(FaultInjection) import MemoryModels

extension FaultSweep {
    /// Every code fault on every model it applies to: cases 0, 1, 2, ... of the generator until `cases`
    /// are counted (the fault changes the case, `FaultExercise`) or `codeCaseCap(cases)` are drawn.
    func codeFaults(_ generator: CaseGenerator, workers: Int,
                    progress: @escaping @Sendable (String) -> Void) throws -> [(fault: GradientFault, models: [CodeCount])] {
        let faults = GradientFault.allCases + GradientFault.floatFaults + GradientFault.sdncFaults
        let pairs = faults.flatMap { f in ModelKind.allCases.filter { Self.applies(f, to: $0) }.map { (f, $0) } }
        let target = cases, cap = Self.codeCaseCap(cases)
        let counted = try OrderedWork.map(pairs.count, workers: workers) { p in
            let (fault, model) = pairs[p]
            progress("fault sweep: code fault \(p + 1)/\(pairs.count) (\(fault.rawValue) on \(model))")
            var count = CodeCount(model: model)
            while count.counted < target && count.drawn < cap {
                let c = try generator.makeCase(count.drawn, model: model)
                count.drawn += 1
                guard try FaultExercise.changes(fault, on: c) else { continue }
                count.counted += 1
                if Verifier.detects(fault, on: c) { count.caught += 1 }
            }
            return count
        }
        return faults.map { f in (f, zip(pairs, counted).filter { $0.0.0 == f }.map(\.1)) }
    }

    /// One clean case's checks.
    private struct CleanOutcome: Sendable {
        var checks = 0, failures = 0, cannotJudge = 0, seconds = 0.0
        var firstFalseAlarm: String?
    }

    /// Every check on cases `cases`..<`cases + cleanCases` of every model; any failure is a false alarm.
    mutating func runClean(_ generator: CaseGenerator, workers: Int, progress: @escaping @Sendable (String) -> Void) throws {
        let models = ModelKind.allCases, total = cleanCases * models.count, first = cases
        let outcomes = try OrderedWork.map(total, workers: workers) { item in
            let i = item / models.count, model = models[item % models.count]
            if item % 50 == 0 { progress("fault sweep: clean case \(item + 1)/\(total)") }
            let c = try generator.makeCase(first + i, model: model), start = Date()
            var o = CleanOutcome()
            for r in Verifier.run(c, checks: CheckKind.allCases) {
                o.checks += 1
                if r.verdict == .fails {
                    o.failures += 1
                    if o.firstFalseAlarm == nil { o.firstFalseAlarm = "\(r.check.rawValue) on \(c.model), case seed \(c.seed)" }
                }
                if r.verdict == .cannotJudge { o.cannotJudge += 1 }
            }
            o.seconds = Date().timeIntervalSince(start)
            return o
        }
        for (item, o) in outcomes.enumerated() {
            cleanChecks += o.checks
            cleanFailures += o.failures
            cleanCannotJudge += o.cannotJudge
            if firstFalseAlarm == nil { firstFalseAlarm = o.firstFalseAlarm }
            cleanSeconds[models[item % models.count], default: 0] += o.seconds
        }
    }
}
