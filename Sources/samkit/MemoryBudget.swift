import Foundation
import MemoryModels
import Profiling

/// Refuses work whose estimated memory does not fit the machine, before anything is allocated.
enum MemoryBudget {
    /// Bytes the kernel says can be allocated without swapping: `MemAvailable` of /proc/meminfo;
    /// `nil` when that file or field is missing (then nothing is refused on this ground).
    static func available(meminfo path: String = "/proc/meminfo") -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let kib = Int(fields[1]) else { return nil }
            return kib.multipliedReportingOverflow(by: 1024).overflow ? Int.max : kib * 1024
        }
        return nil
    }

    /// Throws when `estimate` (bytes; `nil` = too large to count) exceeds the available memory.
    static func check(_ estimate: Int?, what: String, available: Int? = available()) throws {
        guard let estimate else {
            throw InputError(field: what, value: "needs more than 2^63 bytes", valid: "a configuration that fits in memory")
        }
        if let available, estimate > available {
            throw InputError(field: what, value: "needs an estimated \(bytes(estimate))",
                             valid: "at most the \(bytes(available)) available (MemAvailable in /proc/meminfo)")
        }
    }

    /// The estimated bytes of one model of configuration `c` over `steps` steps.
    static func estimate(_ c: ModelConfiguration, dense: Bool, scalarBytes: Int, steps: Int, parameterCopies: Int = 2) -> Int? {
        c.footprint(dense: dense).bytes(scalarBytes: scalarBytes, steps: steps, parameterCopies: parameterCopies)
    }

    /// Refuses a sweep (`profile`, `report`) when one of its (model, N) points does not fit: each runs
    /// alone in its own worker process, so every single model must fit, not their sum.
    static func check(_ plan: SweepPlan, command: String) throws {
        for model in plan.models {
            for n in plan.sizes[model] ?? [] {
                let c = try plan.shape.configuration(for: model, memoryWords: n)
                try check(estimate(c, dense: model.family.hasDenseFootprint, scalarBytes: MemoryLayout<Float>.size, steps: plan.steps),
                          what: "\(command) --models \(model.rawValue) --sizes \(n) --steps \(plan.steps)")
            }
        }
    }

    /// "1.5 GiB".
    static func bytes(_ n: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(n), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(n) bytes" : String(format: "%.1f %@", value, units[unit])
    }
}
