import Testing
import PropertyBased
import PropertySupport
import MemoryModels
@testable import Verification

/// The property-based driver: random configurations (N, W, R, K ≤ N, H, X, Y, T, δ, memory
/// initialisation, seeds, parameter scale), every check on SAM and DAM. Inputs come from PropertyBased's
/// generators under a fixed, printed seed (`SeededProperty`); a failure is shrunk explicitly to the
/// smallest configuration that still fails, and reported with the seed that replays it.
@Suite struct PropertyBasedDriverTests {
    /// The sizes and settings of one drawn case; shrinking moves each size toward its lower bound.
    struct Sizes: CustomStringConvertible {
        var n, w, r, k, h, x, y, t: Int
        var threshold: Double, memory: Double, scale: Double, seed: UInt64, mse: Bool
        static let lower = Sizes(n: 2, w: 1, r: 1, k: 1, h: 1, x: 1, y: 1, t: 1, threshold: 0, memory: 0, scale: 1, seed: 0, mse: false)

        var description: String { "N=\(n) W=\(w) R=\(r) K=\(k) H=\(h) X=\(x) Y=\(y) T=\(t) δ=\(threshold) M0=\(memory) scale=\(scale) seed=\(seed)" }

        func verificationCase(_ model: ModelKind) throws -> VerificationCase {
            try VerificationCase.make(model: model, n: n, w: w, r: r, k: k, h: h, x: x, y: y, t: t, threshold: threshold,
                                      memoryScale: memory, parameterScale: scale,
                                      loss: mse ? .meanSquaredError : .sigmoidCrossEntropy, seed: seed)
        }

        /// One size at a time toward `lower`, keeping K ≤ N and R ≤ N.
        var shrunk: [Sizes] {
            let paths: [WritableKeyPath<Sizes, Int>] = [\.n, \.w, \.r, \.k, \.h, \.x, \.y, \.t]
            return paths.flatMap { path in
                SeededProperty.shrink(self[keyPath: path], toward: Self.lower[keyPath: path]).compactMap { v -> Sizes? in
                    var s = self
                    s[keyPath: path] = v
                    s.k = min(s.k, s.n)
                    s.r = min(s.r, s.n)
                    return s
                }
            }
        }
    }

    static let generator = zip(
        zip(Gen.int(in: 2...8), Gen.int(in: 1...4), Gen.int(in: 1...3), Gen.int(in: 1...8),
            Gen.int(in: 1...4), Gen.int(in: 1...3), Gen.int(in: 1...3), Gen.int(in: 1...4)),
        zip(Gen.element(of: [0, 0.005, 0.05, 0.3]), Gen.element(of: [0, 0.2, 0.5, 1.0]),
            Gen.element(of: [0.5, 1, 2]), Gen.uint64(in: 0...UInt64(1 << 40)), Gen.bool)
    ).map { sizes, settings in
        Sizes(n: sizes.0, w: sizes.1, r: min(sizes.2, sizes.0), k: min(sizes.3, sizes.0), h: sizes.4, x: sizes.5,
              y: sizes.6, t: sizes.7, threshold: settings.0!, memory: settings.1!, scale: settings.2!, seed: settings.3,
              mse: settings.4)
    }

    @Test(arguments: ModelKind.allCases) func everyCheckHoldsOnRandomConfigurations(_ model: ModelKind) throws {
        let failure = try SeededProperty.check(count: 10, seed: SeededProperty.seed, Self.generator, shrink: \.shrunk) { sizes in
            let failed = Verifier.run(try sizes.verificationCase(model), checks: CheckKind.allCases).filter { !$0.passed }
            return failed.first.map(\.report)
        }
        if let failure {
            Issue.record("seed \(failure.seed): \(failure.original) shrunk in \(failure.shrinkSteps) steps to \(failure.shrunk)\n\(failure.message)")
        }
    }

    /// Shrinking works: a planted failure (any case with N ≥ 5, H ≥ 3 and T ≥ 2) is shrunk to exactly
    /// that corner, every other size at its lower bound.
    @Test func shrinkingReducesAPlantedFailureToTheMinimalConfiguration() throws {
        let failure = try #require(SeededProperty.check(count: 200, seed: 17, Self.generator, shrink: \.shrunk) { s in
            s.n >= 5 && s.h >= 3 && s.t >= 2 ? "planted" : nil
        })
        let m = failure.shrunk
        #expect((m.n, m.h, m.t) == (5, 3, 2), "\(m)")
        #expect((m.w, m.r, m.k, m.x, m.y) == (1, 1, 1, 1, 1), "\(m)")
        #expect(failure.shrinkSteps > 0)
        // The same seed draws the same failing input again.
        let again = try #require(SeededProperty.check(count: 200, seed: 17, Self.generator, shrink: { _ in [] }) { s in
            s.n >= 5 && s.h >= 3 && s.t >= 2 ? "planted" : nil
        })
        #expect(again.original.description == failure.original.description)
    }

    /// The seeded generator is deterministic, stays in its documented ranges, and keeps K ≤ N, R ≤ N.
    @Test func generatedCasesReplayFromTheirSeedAndStayInRange() throws {
        let generator = CaseGenerator(seed: 42)
        for i in 0..<200 {
            let c = try generator.makeCase(i, model: .sam)
            #expect(try CaseGenerator.makeCase(seed: c.seed, model: .sam) == c)
            #expect(try generator.makeCase(i, model: .dam).configuration == c.configuration)
            let cf = c.configuration
            #expect((2...12).contains(cf.memoryWords) && cf.neighbours <= cf.memoryWords && cf.heads <= min(3, cf.memoryWords))
            #expect((1...6).contains(c.steps) && (1...6).contains(cf.hidden))
        }
    }

    /// The paper preset draws the paper's sizes, N a power of two in 2^10...2^16 (≥ 16 × the 32 checks,
    /// so the approximate indexes search for themselves), T in 1...50; a mask density below 1 masks
    /// steps out but keeps at least one in.
    @Test func paperPresetAndMaskDensityStayInTheirRanges() throws {
        let generator = CaseGenerator(seed: 5, index: .kdtree, ranges: .paper)
        for i in 0..<50 {
            let c = try generator.makeCase(i, model: .sam), cf = c.configuration
            #expect((cf.wordSize, cf.heads, cf.neighbours, cf.hidden, cf.inputSize, cf.outputSize) == (32, 4, 4, 100, 8, 8))
            #expect((10...16).contains(cf.memoryWords.trailingZeroBitCount) && cf.memoryWords.nonzeroBitCount == 1)
            #expect(cf.memoryWords >= 16 * cf.indexSettings.checks && (1...50).contains(c.steps))
        }
        var ranges = CaseRanges.toy
        ranges.maskDensity = 0.3
        ranges.steps = 6...6
        var zeros = 0
        for i in 0..<40 {
            let mask = try CaseGenerator(seed: 9, ranges: ranges).makeCase(i, model: .dam).episode().mask
            #expect(mask.contains(1))
            zeros += mask.filter { $0 == 0 }.count
        }
        #expect(zeros > 40 * 6 / 2, "a density of 0.3 should mask out most steps (\(zeros) of 240)")
    }
}
