import Foundation

/// What `samkit fit` checks in a measurements file before fitting anything. Every rejection is a
/// `ProfilingError.invalidMeasurement` naming the field, the bad value and the valid range; the
/// command exits 2 (nothing is fitted and nothing is written).
extension MeasurementSet {
    /// Format versions this build reads.
    public static let supportedFormatVersions = 1...2

    /// Refuses zero, negative or non-finite times, negative or non-finite allocation counts, unknown versions, unequal replicate counts,
    /// duplicate (model, N) points and sizes out of range, naming the field.
    /// - Throws: `ProfilingError.invalidMeasurements`.
    public func validate() throws(ProfilingError) {
        func bad(_ field: String, _ value: String, _ valid: String) -> ProfilingError {
            .invalidMeasurement(field: field, value: value, valid: valid)
        }
        guard Self.supportedFormatVersions.contains(formatVersion) else {
            throw bad("formatVersion", "\(formatVersion)", "\(Self.supportedFormatVersions.lowerBound)...\(Self.supportedFormatVersions.upperBound)")
        }
        var seen = Set<String>()
        var counts: [ProfiledModel: Int] = [:]
        for m in measurements {
            let at = "\(m.model.rawValue) N=\(m.size)"
            guard SweepPlan.sizeRange.contains(m.size) else {
                throw bad("size (\(m.model.rawValue))", "\(m.size)", "\(SweepPlan.sizeRange.lowerBound)...\(SweepPlan.sizeRange.upperBound)")
            }
            guard SweepPlan.stepsRange.contains(m.steps) else {
                throw bad("steps (\(at))", "\(m.steps)", "\(SweepPlan.stepsRange.lowerBound)...\(SweepPlan.stepsRange.upperBound)")
            }
            guard seen.insert("\(m.model.rawValue)/\(m.size)").inserted else {
                throw bad("(model, N)", at, "each (model, N) at most once (merge the replicates)")
            }
            guard m.processCount >= 1 else { throw bad("processes (\(at))", "\(m.processCount)", "1 or more") }
            let n = m.forwardSeconds.count
            var perSegment = [("forwardSeconds", m.forwardSeconds), ("backwardSeconds", m.backwardSeconds),
                              ("cpuSeconds", m.cpuSeconds), ("recordBytesPerStep", m.recordBytesPerStep)]
            if let reset = m.resetSeconds { perSegment.append(("resetSeconds", reset)) }
            if let reference = m.referenceStepSeconds { perSegment.append(("referenceStepSeconds", reference)) }
            for (name, values) in perSegment {
                guard values.count == n, n >= m.processCount, n % m.processCount == 0 else {
                    throw bad("\(name) count (\(at))", "\(values.count)",
                              "\(n) (the forwardSeconds count), a positive multiple of the \(m.processCount) process(es)")
                }
                if let v = values.first(where: { !($0.isFinite && $0 > 0) }) {
                    throw bad("\(name) (\(at))", "\(v)", "finite and > 0")
                }
            }
            // Allocation counts may be zero: finite and ≥ 0, one per kept segment.
            for (name, values) in [("allocationsPerStep", m.allocationsPerStep), ("resetAllocations", m.resetAllocations)] {
                guard let values else { continue }
                guard values.count == n else { throw bad("\(name) count (\(at))", "\(values.count)", "\(n) (the forwardSeconds count)") }
                if let v = values.first(where: { !($0.isFinite && $0 >= 0) }) { throw bad("\(name) (\(at))", "\(v)", "finite and ≥ 0") }
            }
            if let expected = counts[m.model], expected != n {
                throw bad("replicate count (\(at))", "\(n)", "\(expected), as at the model's other sizes")
            }
            counts[m.model] = n
            if let peak = m.peakResidentBytes, peak <= 0 { throw bad("peakResidentBytes (\(at))", "\(peak)", "> 0") }
        }
    }
}
