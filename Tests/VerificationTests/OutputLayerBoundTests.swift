import Testing
import MemoryModels
@testable import Verification

/// The output layer's per-entry Float bound (`OutputLayerTerms`, Proofs/float-precision.md term 2).
@Suite struct OutputLayerBoundTests {
    /// Toy case seed 2243025810831675532 (H = 1): the block-wide bound u·G_b was 3.2e-4 of output.W's
    /// largest entry there, so the fault sweep missed a 1e-4 Float-only change on SAM, DAM and the SDNC.
    @Test(arguments: [ModelKind.sam, .dam]) func outputLayerBoundCatchesTheFaultTheBlockBoundMissed(_ model: ModelKind) throws {
        let c = try CaseGenerator.makeCase(seed: 2_243_025_810_831_675_532, model: model)
        let clean = try FloatAgreementCheck.run(c)
        #expect(clean.passed, "\(clean.report)")
        let faulted = try FloatAgreementCheck.run(c, perturbation: GradientPerturbation(block: "output.W", magnitude: 1e-4))
        #expect(faulted.verdict == .fails && faulted.worst?.coordinate.name == "output.W", "\(faulted.report)")
    }

    /// A_by(o) = Σ_t d̄_t(o) and A_Wy(o, i) = Σ_t d̄_t(o)·|v_t(i)| on a hand-sized example (MSE, Y = 1).
    @Test func magnitudesSumTheAbsoluteTerms() {
        let a = OutputLayerTerms.magnitudes(loss: .meanSquaredError, inputs: [1, -2, 3, 0.5], outputs: [0.5, -1],
                                            targets: [1, 0], mask: [1, 1], outputSize: 1)
        // d̄ = 2(|y| + |z|)/1: 3 at t = 1, 2 at t = 2.
        #expect(a["output.b"] == [5])
        let weights: [Double] = [3 * 1 + 2 * 3, 3 * 2 + 2 * 0.5]   // v_1 = [1, -2], v_2 = [3, 0.5]
        #expect(a["output.W"] == weights)
    }
}
