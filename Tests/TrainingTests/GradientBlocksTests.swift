import Testing
import MemoryModels
import SAMNumerics
import Training

/// `GradientBlocks`: every gradient entry falls in exactly one block, and each block is the slice
/// of SPEC's layout it names.
@Suite struct GradientBlocksTests {
    let c: ModelConfiguration
    init() throws {
        c = try ModelConfiguration(memoryWords: 8, wordSize: 3, heads: 2, neighbours: 2, hidden: 4, inputSize: 5, outputSize: 2)
    }

    @Test func blocksPartitionTheGradient() throws {
        let store = ParameterStore<Double>(configuration: c)
        var rng = SeededGenerator(seed: 7)
        for i in store.gradients.indices { store.gradients[i] = Double.random(in: -1...1, using: &rng) }
        let norms = GradientBlocks(c).norms(store)
        let total = store.gradients.map { $0 * $0 }.reduce(0, +)
        #expect(norms.count == GradientBlocks.names.count)
        #expect(abs(norms.map { $0 * $0 }.reduce(0, +) - total) < 1e-9 * total)
    }

    /// One entry at a time: a unit gradient on a named entry shows up in its block alone.
    @Test(arguments: [("interface.W", (9 + 3) * 4, "interface.strength"),         // head 1, row W = 3: β̂
                      ("interface.b", 9 + 8, "interface.interpolation"),          // head 1, row 2W+2: γ̂
                      ("interface.b", 7, "interface.writeGate"),                  // head 0, row 2W+1: α̂
                      ("interface.W", 4 * 4 + 1, "interface.addition"),           // head 0, row W+1: a
                      ("lstm.Wx", 5 + 1, "lstm.Wx.read"),                         // row 0, column X+1
                      ("lstm.Wx", 11 + 4, "lstm.Wx.input"),                       // row 1, column 4 < X
                      ("output.W", 10 + 4, "output.W.read"),                      // row 1, column H
                      ("output.W", 3, "output.W.h")])
    func aUnitGradientLandsInItsBlock(_ name: String, _ entry: Int, _ block: String) throws {
        let store = ParameterStore<Double>(configuration: c)
        store.zeroGradients()
        store.gradient(name)[entry] = 1
        let norms = GradientBlocks(c).norms(store)
        let index = try #require(GradientBlocks.names.firstIndex(of: block))
        #expect(norms[index] == 1)
        #expect(norms.enumerated().allSatisfy { $0.offset == index || $0.element == 0 })
    }
}
