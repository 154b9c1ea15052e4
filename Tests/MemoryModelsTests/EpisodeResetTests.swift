import Testing
import PropertyBased
import PropertySupport
import MemoryModels
import NearestNeighbours
import SAMNumerics

/// `SAM.reset()` undoes an episode in O(rows touched) (`EpisodeUndoLog`, Proofs/episode-reset.md):
/// after it, the model is in the state of a freshly built one, bit for bit.
@Suite struct EpisodeResetTests {
    /// Runs `episodes` random episodes on `sam` (training forward and backward, or inference), with
    /// and without resets between them, then resets.
    func exercise(_ sam: SAM<Double>, episodes: Int, steps: Int, seed: UInt64) throws {
        for e in 0..<episodes {
            let episode = try Episode<Double>.random(configuration: sam.configuration, steps: steps, seed: seed &+ UInt64(e))
            if e % 2 == 0 {
                _ = try sam.forward(episode)
                _ = try sam.backward()
            } else {
                _ = try sam.forward(episode, mode: .inference)
            }
            if e % 3 == 2 { sam.reset() }   // segments that carry state, and resets between episodes
        }
        sam.reset()
    }

    func expectFresh(_ sam: SAM<Double>, _ fresh: SAM<Double>, _ label: String) {
        // Compared as Booleans so a failure names the label, not N numbers.
        let memoryIsM0 = sam.memory.snapshot() == fresh.memory.snapshot()
        let ringIsInitial = sam.ring == fresh.ring
        let accessTimesAreZero = sam.lastAccess == fresh.lastAccess
        #expect(memoryIsM0, "memory is M_0: \(label)")
        #expect(ringIsInitial, "ring in initial order: \(label)")
        #expect(accessTimesAreZero, "access times zero: \(label)")
    }

    /// Memory, ring and access times equal a fresh model's; the next episode then gives bit-identical
    /// loss, outputs, decisions and gradients (exact and LSH indexes, whose answers depend only on the
    /// rows' contents).
    @Test func resetEqualsAFreshModel() async {
        await SeededProperty.forAll(count: 60, input: Gen.int(in: 2...40), Gen.int(in: 1...3), Gen.int(in: 1...6),
                            Gen.bool, Gen.bool, Gen.uint64(in: 0...1_000_000)) { n, r, t, zeros, lsh, seed in
            let c = try ModelConfiguration(memoryWords: n, wordSize: 3, heads: min(r, n), neighbours: min(2, n), hidden: 4,
                                           inputSize: 3, outputSize: 2,
                                           memoryInitialisation: zeros ? .zeros : .uniform(scale: 0.5, seed: seed),
                                           index: lsh ? .lsh : .exact,
                                           indexSettings: IndexSettings(lshTables: 4, lshBits: 3), parameterSeed: seed)
            let label = "N=\(n) R=\(r) T=\(t) zeros=\(zeros) lsh=\(lsh) seed=\(seed)"
            let sam = try SAM<Double>(configuration: c), fresh = try SAM<Double>(configuration: c)
            try exercise(sam, episodes: 4, steps: t, seed: seed)
            expectFresh(sam, fresh, label)
            let episode = try Episode<Double>.random(configuration: c, steps: t, seed: seed &+ 99)
            let a = try sam.forward(episode), b = try fresh.forward(episode)
            #expect(a.loss == b.loss && a.outputs == b.outputs, "next episode: \(label)")
            #expect(sam.decisions == fresh.decisions, "decisions: \(label)")
            _ = try sam.backward(); _ = try fresh.backward()
            #expect(Array(sam.parameters.gradients) == Array(fresh.parameters.gradients), "gradients: \(label)")
        }
    }

    /// With the k-d forest at N well above its checks (so FLANN really searches), reset restores
    /// memory, ring and access times; it re-indexes the touched rows and never rebuilds the forest,
    /// and the next episode reads only rows whose similarity is judged on their current contents
    /// (a stale row would give a recorded similarity that differs from a recomputed one).
    @Test func resetWithTheKDForest() throws {
        let c = try ModelConfiguration(memoryWords: 2048, wordSize: 8, heads: 2, neighbours: 4, hidden: 6,
                                       inputSize: 3, outputSize: 2,
                                       memoryInitialisation: .uniform(scale: 0.5, seed: 3), index: .kdtree,
                                       indexSettings: IndexSettings(trees: 2, checks: 32), parameterSeed: 3)
        let sam = try SAM<Double>(configuration: c), fresh = try SAM<Double>(configuration: c)
        try exercise(sam, episodes: 6, steps: 8, seed: 11)
        expectFresh(sam, fresh, "kd-forest N=2048")
        #expect(sam.index.counters.rebuilds == 1, "reset re-indexes touched rows; it never rebuilds")
        #expect(sam.index.counters.rowsUpdated > 0)
        let episode = try Episode<Double>.random(configuration: c, steps: 8, seed: 12)
        _ = try sam.forward(episode)
        for t in 0..<8 {
            for head in sam.readRecord(step: t) {
                #expect(Set(head.rows).count == 4, "step \(t): K distinct rows")
            }
        }
    }

    /// The SDNC's reset (`SDNC.reset`: SAM's undo log plus the links' touched rows and columns) gives a
    /// fresh model's memory, ring and access times, and the next episode's loss, outputs, decisions
    /// and gradients bit for bit (so N, P and p are zero again); it visits no more rows than T steps
    /// can touch: |written| + |used| ≤ 2·T·R·(3K+1), and 2·T·(R·(3K+1) + K_L) link rows and columns.
    @Test func sdncResetEqualsAFreshModel() async {
        await SeededProperty.forAll(count: 30, input: Gen.int(in: 4...40), Gen.int(in: 1...3), Gen.int(in: 1...5),
                                    Gen.int(in: 1...4), Gen.uint64(in: 0...1_000_000)) { n, r, t, kl, seed in
            let c = try ModelConfiguration(memoryWords: n, wordSize: 3, heads: min(r, n), neighbours: min(2, n), hidden: 4,
                                           inputSize: 3, outputSize: 2, memoryInitialisation: .uniform(scale: 0.5, seed: seed),
                                           parameterSeed: seed, temporalLinks: TemporalLinkSettings(entries: min(kl, n)))
            let label = "N=\(n) R=\(r) T=\(t) K_L=\(kl) seed=\(seed)"
            let sdnc = try SDNC<Double>(configuration: c), fresh = try SDNC<Double>(configuration: c)
            // Two segments that carry state (a training one, then an inference one), then the reset.
            _ = try sdnc.forward(try Episode<Double>.random(configuration: c, steps: t, seed: seed))
            _ = try sdnc.backward()
            _ = try sdnc.forward(try Episode<Double>.random(configuration: c, steps: t, seed: seed &+ 1), mode: .inference)
            sdnc.reset()
            let steps = 2 * t, slots = c.heads * (3 * c.neighbours + 1), kL = min(kl, n)
            #expect(sdnc.lastResetRows > 0, "the episode touched rows: \(label)")
            #expect(sdnc.lastResetRows <= 2 * steps * slots + 2 * steps * (slots + kL), "rows visited: \(label)")
            #expect(sdnc.memory.snapshot() == fresh.memory.snapshot(), "memory is M_0: \(label)")
            #expect(sdnc.ring == fresh.ring && sdnc.lastAccess == fresh.lastAccess, "ring and access times: \(label)")
            let next = try Episode<Double>.random(configuration: c, steps: t + 2, seed: seed &+ 99)
            let a = try sdnc.forward(next), b = try fresh.forward(next)
            #expect(a.loss == b.loss && a.outputs == b.outputs, "next episode: \(label)")
            #expect(sdnc.decisions == fresh.decisions, "decisions: \(label)")
            _ = try sdnc.backward(); _ = try fresh.backward()
            #expect(Array(sdnc.parameters.gradients) == Array(fresh.parameters.gradients), "gradients: \(label)")
        }
    }

    /// The ring's restore re-links only around moved rows, and gives the initial order from any
    /// sequence of moves.
    @Test func ringRestoresInitialOrderFromAnyMoves() async {
        await SeededProperty.forAll(count: 200, input: Gen.int(in: 1...30), Gen.uint64(in: 0...1_000_000)) { n, seed in
            var ring = LeastRecentlyUsedRing(count: n)
            var rng = SeededGenerator(seed: seed)
            var moved = Set<Int>()
            for _ in 0..<Int.random(in: 0...(3 * n), using: &rng) {
                let row = Int.random(in: 0..<n, using: &rng)
                ring.moveToBack(row)
                moved.insert(row)
            }
            ring.restoreInitialOrder(moved: Array(moved))
            #expect(ring == LeastRecentlyUsedRing(count: n), "N=\(n) seed=\(seed)")
        }
    }
}
