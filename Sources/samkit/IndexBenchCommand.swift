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
            copy-task-like stream of random binary patterns from a seeded uniform M_0. Sizes and counts take \
            a whole number or 2^k. Progress: a status line on a terminal (cleared before each result row), \
            one line per (index, memory, N) on stderr otherwise. \
            With --frontier: recall@4 against query+update time per step for every index over a grid of its \
            settings (k-d forest checks 32...4096, LSH tables x bits, HNSW M x ef; exact as the reference), \
            default N = 2^14 and 2^20 and 100 steps, written to DIR/index-frontier.md and \
            DIR/plots/index-frontier.png (--out, default reports); --quick uses a small grid, N = 2^10 and \
            2^12 and 20 steps (a smoke test). \
            \(ExitConvention.help)
            """)

    @Option(name: .long, help: "Which index: \(IndexKind.allCases.map(\.rawValue).joined(separator: ", ")) or all.")
    var index = "all"

    /// Sizes the benchmark accepts: up to 2^24 words (2 GiB of Float memory at W = 32).
    static let sizeRange = OptionLimits.memoryWords

    @Option(name: .long, help: ArgumentHelp("Memory sizes N, comma-separated, each a whole number or 2^k in \(OptionLimits.text(sizeRange)) (default 1024,16384,131072,1048576; --frontier 2^14,2^20; --frontier --quick 2^10,2^12).", valueName: "N1,N2,..."))
    var sizes: String?

    @Option(name: .long, help: "Query-and-write steps per size (per setting with --frontier), \(OptionLimits.text(OptionLimits.benchSteps)) (default 200; --frontier 100; --quick 20).",
            transform: size("--steps", OptionLimits.benchSteps))
    var steps: Int?

    @Option(name: .long, help: "SAM steps that write the SAM memory, \(OptionLimits.text(OptionLimits.samSteps)) (0 skips that workload).",
            transform: size("--sam-steps", OptionLimits.samSteps))
    var samSteps = 1000

    @Option(name: .long, help: "k-d forest: randomized trees, \(OptionLimits.text(OptionLimits.trees)).",
            transform: size("--trees", OptionLimits.trees))
    var trees = 4

    @Option(name: .long, help: "k-d forest: leaves checked per query, K = 4...\(OptionLimits.checks.upperBound).",
            transform: size("--checks", OptionLimits.checks))
    var checks = 32

    @Option(name: .long, help: "LSH: hash tables, \(OptionLimits.text(OptionLimits.lshTables)).",
            transform: size("--lsh-tables", OptionLimits.lshTables))
    var lshTables = 8

    @Option(name: .long, help: "LSH: bits per key, \(OptionLimits.text(OptionLimits.lshBits)).",
            transform: size("--lsh-bits", OptionLimits.lshBits))
    var lshBits = 12

    @Option(name: .long, help: "HNSW: links per node M, \(OptionLimits.text(IndexSettings.hnswLinksRange)).",
            transform: size("--hnsw-links", IndexSettings.hnswLinksRange))
    var hnswLinks = IndexSettings().hnswLinks

    @Option(name: .long, help: "HNSW: candidates while inserting or replacing a point (efConstruction), M...\(IndexSettings.hnswEfLimit).",
            transform: size("--hnsw-construction-ef", 1...IndexSettings.hnswEfLimit))
    var hnswConstructionEf = IndexSettings().hnswConstructionEf

    @Option(name: .long, help: "HNSW: candidates while searching (ef), 1...\(IndexSettings.hnswEfLimit).",
            transform: size("--hnsw-ef", 1...IndexSettings.hnswEfLimit))
    var hnswEf = IndexSettings().hnswSearchEf

    @Flag(name: .long, help: "Measure the recall/speed frontier over a grid of settings and write DIR/index-frontier.md and its plot (the single-setting options above are ignored).")
    var frontier = false

    @Flag(name: .long, help: "With --frontier: a small grid, small N and few steps (a smoke test).")
    var quick = false

    @Option(name: .long, help: ArgumentHelp("With --frontier: the folder the report and plot are written to.", valueName: "DIR"))
    var out = "reports"

    @Option(name: .long, help: "Seed of the memories, queries and writes.")
    var seed: UInt64 = 1

    @Option(name: .long, help: ArgumentHelp("Also write every result as JSON to this file (atomically).", valueName: "FILE"))
    var json: String?

    func validate() throws {
        guard index == "all" || IndexKind(rawValue: index) != nil else {
            throw ValidationError("--index '\(index)' is not an index (valid: \(IndexKind.allCases.map(\.rawValue).joined(separator: ", ")), all)")
        }
        if quick && !frontier { throw ValidationError("--quick applies only with --frontier (valid: add --frontier, or drop --quick)") }
        if frontier { try OutputPath.check(out, option: "--out", as: .folder) }
        _ = try parseSizes(sizeList, option: "--sizes", range: Self.sizeRange)
        do { try settings.validate(k: 4) } catch { throw ValidationError("\(error)") }
        if let json { try OutputPath.check(json, option: "--json", as: .file) }
    }

    var settings: IndexSettings {
        IndexSettings(trees: trees, checks: checks, lshTables: lshTables, lshBits: lshBits, seed: seed,
                      hnswLinks: hnswLinks, hnswConstructionEf: hnswConstructionEf, hnswSearchEf: hnswEf)
    }

    var sizeList: String { sizes ?? (frontier ? (quick ? "2^10,2^12" : "2^14,2^20") : "1024,16384,131072,1048576") }
    var stepCount: Int { steps ?? (frontier ? (quick ? 20 : 100) : 200) }

    func run() throws {
        let kinds = index == "all" ? IndexKind.allCases : [IndexKind(rawValue: index)!]
        let ns = try parseSizes(sizeList, option: "--sizes", range: Self.sizeRange)
        if frontier { return try runFrontier(kinds: kinds, sizes: ns) }
        var c = IndexBenchmark.Configuration()
        c.steps = stepCount
        c.seed = seed
        c.settings = settings
        let progress = ProgressLine()
        try checkMemory(ns)
        var workloads: [IndexBenchmark.Workload] = [.randomUnit]
        if samSteps > 0 { workloads.append(samWritten(steps: samSteps, seed: seed, progress: progress)) }
        var results: [IndexBenchmark.Result] = []
        print("index   memory       N        recall@4  query/step   update/row   update/step  rebuild     rebuilds")
        for workload in workloads {
            for kind in kinds {
                for n in ns {
                    guard let result = try IndexBenchmark.run(kind: kind, sizes: [n], workload: workload, configuration: c,
                                                              progress: { progress.show($0) }).first else { continue }
                    results.append(result)
                    progress.show("index-bench: \(kind.rawValue) \(result.workload) N=\(n) done", force: true)
                    progress.finish()   // the result row never shares a terminal line with the status line
                    print([kind.rawValue.padding(8), result.workload.padding(13), "\(result.rows)".padding(9),
                           String(format: "%.3f", result.recall).padding(10),
                           shortDuration(result.querySecondsPerStep).padding(13), shortDuration(result.updateSecondsPerRow).padding(13),
                           shortDuration(result.updateSecondsPerStep).padding(13), shortDuration(result.rebuildSeconds).padding(12),
                           "\(result.rebuildsDuringRun)"].joined())
                }
            }
        }
        progress.finish()
        print("single-threaded (OPENBLAS_NUM_THREADS=\(ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "unset")), Float, W = 32, R = 4, K = 4, \(stepCount) steps per size")
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(results), to: URL(fileURLWithPath: json))
        }
    }

    /// Refuses sizes whose memory (N·W Floats, the exact index's copy, an approximate index's copy and its
    /// LSH tables: two Int positions and a bucket entry per row and table, ~48 bytes) does not fit in the available memory.
    func checkMemory(_ sizes: [Int], lshTables: Int? = nil) throws {
        guard let n = sizes.max() else { return }
        let lshTables = lshTables ?? self.lshTables
        let width = IndexBenchmark.Configuration().width
        let estimate = SizeSyntax.sum([SizeSyntax.product(3, n, width, 4), SizeSyntax.product(lshTables, n, 48),
                                       SizeSyntax.product(n, 64)])
        try MemoryBudget.check(estimate, what: "index-bench --sizes \(n) --lsh-tables \(lshTables)")
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
