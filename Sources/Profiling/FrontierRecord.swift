import Foundation
import NearestNeighbours
import OutputFiles

/// `reports/index-frontier.json`: the points `samkit index-bench --frontier` measured, with the build they
/// came from. `samkit report` reads it (when the output folder holds one) for the Headline's row 7, the
/// recall/speed target of issue 14; the frontier is its own ~12-minute run, not part of the sweep.
public struct FrontierRecord: Codable, Sendable, Equatable {
    /// The file's name inside a report folder.
    public static let fileName = "index-frontier.json"
    /// Issue 14's target 7: recall@4 ≥ 0.9 on SAM-written memory at N = 2^20 for ≤ 1 ms per step.
    public static let targetRecall = 0.9, targetSeconds = 1e-3, targetWorkload = "sam-written"
    /// The format versions this build reads.
    public static let supportedFormatVersions = 1...1

    /// The file format's version.
    public var formatVersion = 1
    /// The command line that measured the points.
    public var command: String
    /// The commit of the binary that measured them (embedded at build time).
    public var gitCommit: String
    /// SHA-256 of Sources/ and Package.swift as built (`BuildInfo.sourcesHash`).
    public var sourcesHash: String
    /// When the run ended (ISO 8601, UTC).
    public var date: String
    /// Steps in the replayed trace (a point may hold fewer when its replay hit the time budget).
    public var steps: Int
    /// Every measured point, in run order.
    public var points: [IndexFrontier.Point]

    /// A record of `points`, measured by `command` over a trace of `steps` steps with the build named.
    public init(command: String, gitCommit: String, sourcesHash: String, date: String, steps: Int,
                points: [IndexFrontier.Point]) {
        self.command = command
        self.gitCommit = gitCommit
        self.sourcesHash = sourcesHash
        self.date = date
        self.steps = steps
        self.points = points
    }

    /// The largest N measured on `workload`, and the fastest point there with recall ≥ `recall` within
    /// `seconds` per step (query + update), else the best recall within that time (`IndexFrontier.operatingPoint`).
    public func operatingPoint(workload: String, recall: Double, seconds: Double)
        -> (rows: Int, reached: IndexFrontier.Point?, bestWithinTime: IndexFrontier.Point?)? {
        guard let n = points.filter({ $0.workload == workload }).map(\.rows).max() else { return nil }
        let (reached, best) = IndexFrontier.operatingPoint(points.filter { $0.workload == workload && $0.rows == n },
                                                           recall: recall, seconds: seconds)
        return (n, reached, best)
    }

    /// Checks every field a reader relies on.
    /// - Throws: `ProfilingError.invalidMeasurement` naming the field, the value and what is valid.
    public func validate() throws(ProfilingError) {
        func bad(_ field: String, _ value: String, _ valid: String) -> ProfilingError {
            .invalidMeasurement(field: "\(Self.fileName): \(field)", value: value, valid: valid)
        }
        guard Self.supportedFormatVersions.contains(formatVersion) else {
            throw bad("formatVersion", "\(formatVersion)", "\(Self.supportedFormatVersions.lowerBound)...\(Self.supportedFormatVersions.upperBound)")
        }
        guard (1...100_000).contains(steps) else { throw bad("steps", "\(steps)", "1...100000") }
        guard !points.isEmpty else { throw bad("points", "[]", "at least one point") }
        for (i, p) in points.enumerated() {
            guard (1...(1 << 30)).contains(p.rows) else { throw bad("points[\(i)].rows", "\(p.rows)", "1...\(1 << 30)") }
            guard (1...steps).contains(p.steps) else { throw bad("points[\(i)].steps", "\(p.steps)", "1...\(steps)") }
            guard p.recall.isFinite, (0...1).contains(p.recall) else { throw bad("points[\(i)].recall", "\(p.recall)", "0...1") }
            for (name, v) in [("querySecondsPerStep", p.querySecondsPerStep), ("updateSecondsPerStep", p.updateSecondsPerStep),
                              ("buildSeconds", p.buildSeconds), ("distancesPerQuery", p.distancesPerQuery)]
            where !(v.isFinite && v >= 0) {
                throw bad("points[\(i)].\(name)", "\(v)", "a finite number >= 0")
            }
            guard p.indexBytes >= 0 else { throw bad("points[\(i)].indexBytes", "\(p.indexBytes)", "0 or more") }
        }
    }

    /// Reads and validates a frontier file.
    /// - Throws: `ProfilingError` naming the file and the field.
    public static func load(from url: URL) throws(ProfilingError) -> FrontierRecord {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadableMeasurements(path: url.path, reason: InputErrorText.describe(error))
        }
        let record: FrontierRecord
        do { record = try JSONCoding.decoder.decode(FrontierRecord.self, from: data) } catch {
            throw .unreadableMeasurements(path: url.path, reason: "not a samkit index-frontier file: \(InputErrorText.describe(error, input: data, accepted: InputErrorText.accepted(IndexKind.self)))")
        }
        try record.validate()
        return record
    }

    /// The file as JSON.
    public func encoded() throws -> Data { try JSONCoding.encoder.encode(self) }
}
