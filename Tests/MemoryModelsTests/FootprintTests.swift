import Testing
import MemoryModels
import SAMNumerics
import NearestNeighbours

/// The memory estimate made before allocating: an upper bound on what the models really keep, and
/// no product of sizes that overflows (a configuration that would trap is refused by name).
@Suite struct FootprintTests {
    func configuration(n: Int, index: IndexKind = .exact) throws -> ModelConfiguration {
        try ModelConfiguration(memoryWords: n, wordSize: 8, heads: 2, neighbours: 3, hidden: 10, inputSize: 4, outputSize: 4,
                               index: index)
    }

    /// The estimate's parameter count is the store's exact count, and its record per step is at least
    /// what SAM and DAM really record (so a refusal is never caused by an under-estimate's opposite).
    @Test(arguments: [16, 256, 4096])
    func estimateCoversTheModels(n: Int) throws {
        let c = try configuration(n: n)
        let steps = 3
        let episode = try Episode<Float>.random(configuration: c, steps: steps, seed: 1)
        let sam = try SAM<Float>(configuration: c), dam = DAM<Float>(configuration: c)
        _ = try sam.forward(episode)
        _ = try dam.forward(episode)
        #expect(c.footprint(dense: false).parameters == sam.parameters.totalCount)
        #expect(c.footprint(dense: true).parameters == dam.parameters.totalCount)
        #expect(c.footprint(dense: false).recordPerStep * 4 >= sam.backwardRecordBytes / steps)
        #expect(c.footprint(dense: true).recordPerStep * 4 >= dam.backwardRecordBytes / steps)
        // Not absurdly loose either: within 8x of the measured DAM record (its N·W term dominates).
        #expect(c.footprint(dense: true).recordPerStep * 4 <= 8 * dam.backwardRecordBytes / steps)
    }

    /// Sizes whose products overflow Int are refused with an error naming the size, never a trap.
    @Test(arguments: [(1 << 20, 4, 1 << 62, "hidden (H)"), (1 << 62, 4, 4, "memoryWords (N)"), (4, 1 << 62, 4, "wordSize (W)")])
    func overflowingSizesAreRefused(n: Int, w: Int, h: Int, field: String) {
        do {
            _ = try ModelConfiguration(memoryWords: n, wordSize: w, heads: 1, neighbours: 1, hidden: h)
            Issue.record("accepted N=\(n) W=\(w) H=\(h)")
        } catch {
            guard case let .outOfRange(named, _, _) = error else { return }
            #expect(named == field)
        }
    }

    @Test func sizeSyntax() {
        #expect(SizeSyntax.parse("2^10") == 1024)
        #expect(SizeSyntax.parse(" 1536 ") == 1536)
        #expect(SizeSyntax.parse("2^62") == 1 << 62)
        #expect(SizeSyntax.parse("2^63") == SizeSyntax.overflow)
        #expect(SizeSyntax.parse("99999999999999999999") == SizeSyntax.overflow)
        #expect(SizeSyntax.parse("1^99999999999999999999") == 1)
        for bad in ["", "x", "2^", "^3", "2^-1", "-2^3", "2.5", "1e3", "2^3^2"] { #expect(SizeSyntax.parse(bad) == nil, "\(bad)") }
        #expect(SizeSyntax.product(1 << 32, 1 << 31) == nil)
        #expect(SizeSyntax.product(3, 5, 7) == 105)
    }
}
