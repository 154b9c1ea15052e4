@_spi(FaultInjection) import MemoryModels

/// The properties every backward pass promises (MemoryModel docs, SPEC "journaled rollback"), each
/// bit-exact:
/// 1. memory after backward equals memory after forward (M_T, bit for bit);
/// 2. a second backward gives bit-identical gradients (parameters and dL/dx);
/// 3. every gradient is finite;
/// 4. a zero upstream gradient (dL/dy = 0, T x Y) gives exactly zero gradients.
public enum StructuralCheck {
    /// Runs the four structural properties on case `c`; `fault` is injected into the backward pass.
    public static func run(_ c: VerificationCase, fault: GradientFault? = nil) throws -> CheckResult {
        let model = try c.makeModel()
        model.fault = fault
        let episode = try c.episode()
        model.reset()
        _ = try model.forward(episode, mode: .training, replay: nil)
        let afterForward = model.memory.snapshot()
        let dx1 = try model.backward(outputGradient: nil)
        let g1 = Array(model.parameters.gradients)
        let afterBackward = model.memory.snapshot()
        let dx2 = try model.backward(outputGradient: nil)
        let g2 = Array(model.parameters.gradients)
        let dx0 = try model.backward(outputGradient: [Double](repeating: 0, count: episode.steps * c.configuration.outputSize))
        let g0 = Array(model.parameters.gradients)

        var notes: [String] = []
        var first: Discrepancy?
        func violation(_ note: String, _ name: String, _ shape: [Int], _ i: Int, _ a: Double, _ b: Double) {
            notes.append(note)
            if first == nil {
                first = Discrepancy(coordinate: Coordinate(name: name, index: i, shape: shape), analytic: a, numeric: b,
                                    tolerance: .exact, absoluteError: a.bitPattern == b.bitPattern ? 0 : .infinity)
            }
        }
        let cf = c.configuration
        if let i = afterBackward.indices.first(where: { afterBackward[$0].bitPattern != afterForward[$0].bitPattern }) {
            violation("memory after backward differs from memory after forward at row \(i / cf.wordSize)",
                      "memory", [cf.memoryWords, cf.wordSize], i, afterBackward[i], afterForward[i])
        }
        let all1 = g1 + dx1, all2 = g2 + dx2, all0 = g0 + dx0
        let name = { (i: Int) -> (String, [Int], Int) in
            if i >= g1.count { return ("inputs", [episode.steps, cf.inputSize], i - g1.count) }
            let s = model.parameters.slices.last { $0.offset <= i }!
            return (s.name, s.shape, i - s.offset)
        }
        if let i = all1.indices.first(where: { all1[$0].bitPattern != all2[$0].bitPattern }) {
            let (n, s, j) = name(i)
            violation("second backward differs at \(Coordinate(name: n, index: j, shape: s))", n, s, j, all2[i], all1[i])
        }
        if let i = all1.firstIndex(where: { !$0.isFinite }) {
            let (n, s, j) = name(i)
            violation("non-finite gradient at \(Coordinate(name: n, index: j, shape: s)): \(all1[i])", n, s, j, all1[i], 0)
        }
        if let i = all0.firstIndex(where: { $0 != 0 }) {
            let (n, s, j) = name(i)
            violation("zero upstream gradient gives non-zero \(Coordinate(name: n, index: j, shape: s)) = \(all0[i])",
                      n, s, j, all0[i], 0)
        }
        return CheckResult(check: .structural, verificationCase: c, passed: notes.isEmpty,
                           worst: first ?? Discrepancy(coordinate: Coordinate(name: "all", index: 0, shape: [1]),
                                                       analytic: 0, numeric: 0, tolerance: .exact),
                           compared: 4, notes: notes)
    }
}
