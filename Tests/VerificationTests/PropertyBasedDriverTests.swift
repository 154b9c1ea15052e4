import Testing
import PropertyBased
import MemoryModels
@testable import Verification

/// The property-based driver: random configurations (N, W, R, K ≤ N, H, X, Y, T, δ, memory
/// initialisation, seeds, parameter scale), every check on SAM and DAM. PropertyBased shrinks a
/// failure to the smallest configuration and prints the seed that replays it.
@Suite struct PropertyBasedDriverTests {
    static let sizes = zip(Gen.int(in: 2...8), Gen.int(in: 1...4), Gen.int(in: 1...3), Gen.int(in: 1...8),
                           Gen.int(in: 1...4), Gen.int(in: 1...3), Gen.int(in: 1...3), Gen.int(in: 1...4))
    static let settings = zip(Gen.element(of: [0, 0.005, 0.05, 0.3]), Gen.element(of: [0, 0.2, 0.5, 1.0]),
                              Gen.element(of: [0.5, 1, 2]), Gen.uint64(in: 0...UInt64(1 << 40)), Gen.bool)

    @Test(arguments: ModelKind.allCases) func everyCheckHoldsOnRandomConfigurations(_ model: ModelKind) async {
        await propertyCheck(count: 10, input: Self.sizes, Self.settings) { sizes, settings in
            let (n, w, r, k, h, x, y, t) = sizes
            let (threshold, memory, scale, seed, mse) = settings
            let c = try VerificationCase.make(model: model, n: n, w: w, r: r, k: k, h: h, x: x, y: y, t: t,
                                              threshold: threshold!, memoryScale: memory!, parameterScale: scale!,
                                              loss: mse ? .meanSquaredError : .sigmoidCrossEntropy, seed: seed)
            for result in Verifier.run(c, checks: CheckKind.allCases) {
                #expect(result.passed, "\(result.report)")
            }
        }
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
}
