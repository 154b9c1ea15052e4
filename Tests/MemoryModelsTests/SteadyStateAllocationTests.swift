import Testing
@testable import MemoryModels
import SAMNumerics

/// Issue 14's "zero heap allocations per steady-state step", for the per-episode stores whose size
/// depends on which rows a segment touches: the episode undo log (SAM and the SDNC) and the SDNC's
/// sparse links. The models call `reserve` at the start of each forward with the most a step can
/// touch; after that no step of the segment grows a buffer (an allocation), whichever rows it
/// touches. Each segment here touches its own random rows, up to the bound, so a store that grew
/// only to the rows earlier segments happened to touch grows in a later one: what the profile saw
/// for the SDNC at N = 2^10 before the reserve (2 or 3 allocations in a segment that wrote more
/// distinct rows). The same segments without the reserve do grow, so the check can fail.
/// Counted as the buffers' growths, not with the allocation counter: a debug build's Swift code
/// allocates in its loops; the release build's steps are counted by `samkit profile` and the gate.
@Suite struct SteadyStateAllocationTests {
    static let rows = 512, steps = 8, segments = 30

    /// `count` distinct rows in 0..<rows.
    static func distinctRows(_ count: Int, _ generator: inout SeededGenerator) -> [Int] {
        var chosen: Set<Int> = []
        while chosen.count < count { chosen.insert(Int.random(in: 0..<rows, using: &generator)) }
        return chosen.sorted()
    }

    /// The undo log's growths in each segment (`reserving`: with the models' reserve first).
    func undoLogGrowths(initialIsZero: Bool, reserving: Bool) -> [Int] {
        let width = 4, perStep = 12
        let memory = MemoryMatrix<Float>(rows: Self.rows, width: width)
        let log = EpisodeUndoLog<Float>(rows: Self.rows, width: width, initialIsZero: initialIsZero)
        var generator = SeededGenerator(seed: 21)
        var growths: [Int] = []
        for _ in 0..<Self.segments {
            if reserving { log.reserve(steps: Self.steps, rowsPerStep: perStep) }
            let before = log.growths
            for _ in 0..<Self.steps {
                for i in Self.distinctRows(perStep, &generator) { log.willWrite(row: i, of: memory) }
                for i in Self.distinctRows(perStep, &generator) { log.didUse(row: i) }
            }
            growths.append(log.growths - before)
            log.restoreMemory(memory)
            log.clear()
        }
        return growths
    }

    /// The sparse links' growths in each segment of updates and weightings.
    func linkGrowths(reserving: Bool) -> [Int] {
        let entries = 8, written = 13, read = 9, k = 3
        let links = SparseTemporalLinks<Float>(rows: Self.rows, entries: entries)
        var generator = SeededGenerator(seed: 22)
        var growths: [Int] = []
        var into: [Int] = []
        for _ in 0..<Self.segments {
            if reserving { links.reserve(steps: Self.steps, mergesPerStep: written + entries) }
            let before = links.growths
            for _ in 0..<Self.steps {
                let rows = Self.distinctRows(written, &generator)
                links.update(rows: rows, weights: rows.map { _ in Float.random(in: 0.001...0.1, using: &generator) })
                let reads = Self.distinctRows(read, &generator).map(Int32.init)
                let weights = reads.map { _ in Float.random(in: 0.01...1, using: &generator) }
                for forward in [true, false] {
                    links.weighting(forward: forward, rows: reads, weights: weights, count: read, k: k, into: &into)
                }
            }
            growths.append(links.growths - before)
            links.reset()
        }
        return growths
    }

    @Test(arguments: [true, false])
    func undoLogStepsGrowNothingOnceReserved(initialIsZero: Bool) {
        let reserved = undoLogGrowths(initialIsZero: initialIsZero, reserving: true)
        #expect(reserved.allSatisfy { $0 == 0 }, "growths per segment: \(reserved)")
        let unreserved = undoLogGrowths(initialIsZero: initialIsZero, reserving: false)
        #expect(unreserved.reduce(0, +) > 0, "without the reserve the log never grew: the check could not fail")
    }

    @Test func sparseLinkStepsGrowNothingOnceReserved() {
        let reserved = linkGrowths(reserving: true)
        #expect(reserved.allSatisfy { $0 == 0 }, "growths per segment: \(reserved)")
        let unreserved = linkGrowths(reserving: false)
        #expect(unreserved.dropFirst().reduce(0, +) > 0, "without the reserve no later segment grew: the check could not fail")
    }
}
