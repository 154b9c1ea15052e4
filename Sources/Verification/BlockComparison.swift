/// Compares two computations of the same named blocks (loss, outputs, each gradient) coordinate by
/// coordinate. Each entry must meet both bounds:
/// - the block's norm-wise bound |a_i − b_i| ≤ rel · max_block(|a|, |b|), and
/// - a per-entry bound |a_i − b_i| ≤ `entryRelative` · max(|a_i|, |b_i|) + `entryFloor` · scale, so a
///   relative fault of 1e-4 on an entry as small as 1e-8 × the block's scale is still caught (the
///   norm-wise bound alone lets a 1e-3 change to an entry 1e-7 of the maximum pass).
/// Summation-order rounding of an entry is ~n·ε (n ≤ a few hundred) times the terms summed into it, at
/// most the block's scale: ≲ 1e-13 · scale, 10x under `entryFloor`.
struct BlockComparison {
    let relative: Double
    let source: String
    var tracker = WorstTracker()
    /// Worst max|a − b| / max(|a|, |b|) over the blocks.
    var normwise = 0.0

    static let entryRelative = 1e-6
    static let entryFloor = 1e-12

    init(relative: Double, source: String) {
        self.relative = relative
        self.source = source
    }

    /// `a` is the model under test, `b` the reference; `shape` names positions (rows first). The bound
    /// is `relative` times the block's own max|entry|, or `scale` (named `scaleName`) when larger.
    mutating func add(_ name: String, shape: [Int], _ a: some Collection<Double>, _ b: some Collection<Double>,
                      scale given: Double = 0, scaleName: String? = nil) {
        let a = Array(a), b = Array(b)
        precondition(a.count == b.count, "BlockComparison: \(name) sizes differ")
        let own = zip(a, b).reduce(0.0) { max($0, abs($1.0), abs($1.1)) }
        let scale = max(own, given)
        let what = given > own ? (scaleName ?? "scale") : "max|\(name)|"
        let normwiseBound = relative * scale
        let blockTolerance = Tolerance(value: normwiseBound, source: "\(format(relative)) x \(what) (\(source))")
        var difference = 0.0
        for i in a.indices {
            difference = max(difference, abs(a[i] - b[i]))
            let entryBound = Self.entryRelative * max(abs(a[i]), abs(b[i])) + Self.entryFloor * scale
            let tolerance = entryBound < normwiseBound
                ? Tolerance(value: entryBound, source: "per entry: \(format(Self.entryRelative)) x |entry| + "
                    + "\(format(Self.entryFloor)) x \(what) (\(source))")
                : blockTolerance
            tracker.add(Discrepancy(coordinate: Coordinate(name: name, index: i, shape: shape),
                                    analytic: a[i], numeric: b[i], tolerance: tolerance))
        }
        if scale > 0 { normwise = max(normwise, difference / scale) }
        if difference.isNaN { normwise = .infinity }
    }
}
