import ArgumentParser
import Foundation
import OutputFiles
import MemoryModels
import NearestNeighbours
import Profiling
import SAMNumerics

/// `samkit index-bench`: recall@K, query, update and rebuild time of each nearest-neighbour index
/// over memory sizes, on random unit vectors and on memories written by running SAM.
struct IndexBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index-bench",
        abstract: "Measure recall@K and speed of the nearest-neighbour indexes (single-threaded, Float).",
        discussion: """
            For each index and memory size N (W = 32, R = 4 queries of K = 4 per step) the benchmark \
            times the R queries of a step, scores recall@K against the exact index, simulates a sparse \
            write of R*(K+1) rows and times the index update, and times one full rebuild. Two memories: \
            random unit vectors, and a memory written by running SAM (k-d forest reads) over a \
            copy-task-like stream of random binary patterns from a seeded uniform M_0.
            """)

    @Option(name: .long, help: "Which index: exact, kdtree, lsh or all.")
    var index = "all"

    /// Sizes the benchmark accepts: up to 2^24 words (2 GiB of Float memory at W = 32).
    static let sizeRange = 4...(1 << 24)

    @Option(name: .long, help: ArgumentHelp("Memory sizes N, comma-separated, each in 4...16777216.", valueName: "N1,N2,..."))
    var sizes = "1024,16384,131072,1048576"

    @Option(name: .long, help: "Query-and-write steps per size (1 or more).")
    var steps = 200

    @Option(name: .long, help: "SAM steps that write the SAM memory (0 skips that workload).")
    var samSteps = 1000

    @Option(name: .long, help: "k-d forest: randomized trees (1 or more).")
    var trees = 4

    @Option(name: .long, help: "k-d forest: leaves checked per query (at least K = 4).")
    var checks = 32

    @Option(name: .long, help: "LSH: hash tables (1 or more).")
    var lshTables = 8

    @Option(name: .long, help: "LSH: bits per key (1...64).")
    var lshBits = 12

    @Option(name: .long, help: "Seed of the memories, queries and writes.")
    var seed: UInt64 = 1

    @Option(name: .long, help: ArgumentHelp("Also write every result as JSON to this file (atomically).", valueName: "FILE"))
    var json: String?

    func validate() throws {
        guard index == "all" || IndexKind(rawValue: index) != nil else {
            throw ValidationError("--index '\(index)' is not an index (valid: exact, kdtree, lsh, all)")
        }
        _ = try parseSizes(sizes, option: "--sizes", range: Self.sizeRange)
        guard steps >= 1 else { throw ValidationError("--steps \(steps) is out of range (valid: 1 or more)") }
        guard samSteps >= 0 else { throw ValidationError("--sam-steps \(samSteps) is out of range (valid: 0 or more)") }
        do { try settings.validate(k: 4) } catch { throw ValidationError("\(error)") }
    }

    var settings: IndexSettings {
        IndexSettings(trees: trees, checks: checks, lshTables: lshTables, lshBits: lshBits, seed: seed)
    }

    func run() throws {
        let kinds = index == "all" ? IndexKind.allCases : [IndexKind(rawValue: index)!]
        let ns = try parseSizes(sizes, option: "--sizes", range: Self.sizeRange)
        var c = IndexBenchmark.Configuration()
        c.steps = steps
        c.seed = seed
        c.settings = settings
        let progress = ProgressLine()
        var workloads: [IndexBenchmark.Workload] = [.randomUnit]
        if samSteps > 0 { workloads.append(samWritten(steps: samSteps, seed: seed, progress: progress)) }
        var results: [IndexBenchmark.Result] = []
        print("index   memory       N        recall@4  query/step   update/row   update/step  rebuild     rebuilds")
        for workload in workloads {
            for kind in kinds {
                for result in try IndexBenchmark.run(kind: kind, sizes: ns, workload: workload, configuration: c,
                                                     progress: { progress.show($0) }) {
                    results.append(result)
                    print([kind.rawValue.padding(8), result.workload.padding(13), "\(result.rows)".padding(9),
                           String(format: "%.3f", result.recall).padding(10),
                           shortDuration(result.querySecondsPerStep).padding(13), shortDuration(result.updateSecondsPerRow).padding(13),
                           shortDuration(result.updateSecondsPerStep).padding(13), shortDuration(result.rebuildSeconds).padding(12),
                           "\(result.rebuildsDuringRun)"].joined())
                }
            }
        }
        progress.finish()
        print("single-threaded (OPENBLAS_NUM_THREADS=\(ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "unset")), Float, W = 32, R = 4, K = 4, \(steps) steps per size")
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(results), to: URL(fileURLWithPath: json))
        }
    }

    /// A memory written by SAM: seeded uniform M_0 in [-0.5, 0.5], then `steps` inference steps of SAM
    /// (k-d forest reads) over random 8-bit binary patterns, each followed by a blank step.
    func samWritten(steps: Int, seed: UInt64, progress: ProgressLine) -> IndexBenchmark.Workload {
        .supplied(name: "sam-written") { memory, _ in
            do {
                let c = try ModelConfiguration(memoryWords: memory.rows, wordSize: memory.width, heads: 4, neighbours: 4,
                                               hidden: 100, inputSize: 8, outputSize: 8,
                                               memoryInitialisation: .uniform(scale: 0.5, seed: seed), index: .kdtree,
                                               indexSettings: settings)
                let sam = try SAM<Float>(configuration: c)
                var rng = SeededGenerator(seed: seed &+ 7)
                let chunk = 100
                for done in stride(from: 0, to: steps, by: chunk) {
                    let t = min(chunk, steps - done)
                    let x: [Float] = (0..<(t * 8)).map { i in (i / 8) % 2 == 0 && Bool.random(using: &rng) ? 1 : 0 }
                    _ = try sam.forward(try Episode(configuration: c, inputs: x, targets: x), mode: .inference)
                    progress.show("sam-written N=\(memory.rows): SAM step \(done + t)/\(steps)")
                }
                _ = memory.storage.update(fromContentsOf: sam.memory.storage)
            } catch {
                fatalError("sam-written workload: \(error)")   // the configuration is built from validated options
            }
        }
    }
}

/// Seconds as µs or ms with three significant digits.
func shortDuration(_ seconds: Double) -> String {
    seconds >= 1e-3 ? String(format: "%.3g ms", seconds * 1e3) : String(format: "%.3g µs", seconds * 1e6)
}

extension String {
    func padding(_ width: Int) -> String { padding(toLength: max(width, count + 1), withPad: " ", startingAt: 0) }
}
