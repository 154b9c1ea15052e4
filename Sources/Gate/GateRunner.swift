import Foundation
import Profiling

/// Runs the gate: counters, work counters, timing (paired, calibration-normalised), resident
/// memory and gradient checks against a baseline. One file per kind of check:
/// `CounterChecks.swift`, `WorkChecks.swift`, `TimingChecks.swift`, `MemoryChecks.swift`, `GradientChecks.swift`.
public final class GateRunner {
    public let baseline: Baseline
    public var options: GateOptions
    let pool: InstancePool

    public init(baseline: Baseline, options: GateOptions) {
        self.baseline = baseline
        self.options = options
        pool = InstancePool(steps: baseline.timing.steps, warmup: baseline.timing.warmup, injection: options.injection,
                            progress: options.progress)
    }

    /// Switches the injection on every instance already built (and every one built later).
    public func inject(_ injection: Injection?) {
        options.injection = injection
        pool.injection = injection
    }

    /// One gate run (`gradients: false` leaves the verification cases out: `--power` for performance injections).
    public func run(gradients: Bool = true) throws -> GateRun {
        let start = Clock.monotonic()
        var outcomes: [CheckOutcome] = []
        do {
            outcomes += try counterChecks()
            outcomes += try workChecks()
            if gradients { outcomes += gradientChecks() }
            // `--power` on an injected run: once a deterministic check has failed, the gate's verdict
            // is settled and the slow checks cannot change it.
            let settled = options.stopWhenSettled && outcomes.contains { $0.verdict == .regression }
            if options.timing && !settled { outcomes += try timingChecks() }
            if options.memory && !settled { outcomes += try memoryChecks() }
        } catch let e as GateError { throw e } catch {
            throw GateError.measurement("\(error)")
        }
        var note: String? = nil
        if let recorded = baseline.machine {
            let here = GateMachine.current()
            if !recorded.sameMachine(as: here) {
                note = "note: the baseline was measured on another machine (\(recorded.cpuModel), \(recorded.logicalCPUs) CPUs, "
                    + "BLAS \(recorded.blas) with \(recorded.blasThreads) threads, \(recorded.buildConfiguration)); this is "
                    + "\(here.cpuModel), \(here.logicalCPUs) CPUs, BLAS \(here.blas) with \(here.blasThreads) threads, "
                    + "\(here.buildConfiguration): timings are judged only through calibration-normalised times and in-run ratios."
            }
        }
        return GateRun(outcomes: outcomes, seconds: Clock.monotonic() - start, injection: options.injection,
                       quick: options.quick, allowSkipped: options.allowSkipped, machineNote: note)
    }
}
