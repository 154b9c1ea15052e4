/// Compares two computations of the same named blocks (loss, outputs, each gradient) coordinate by
/// coordinate, each block under a norm-wise relative bound: |a_i − b_i| ≤ rel · max_block(|a|, |b|).
struct BlockComparison {
    let relative: Double
    let source: String
    var tracker = WorstTracker()
    /// Worst max|a − b| / max(|a|, |b|) over the blocks.
    var normwise = 0.0

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
        let tolerance = Tolerance(value: relative * scale, source: "\(format(relative)) x \(what) (\(source))")
        var difference = 0.0
        for i in a.indices {
            difference = max(difference, abs(a[i] - b[i]))
            tracker.add(Discrepancy(coordinate: Coordinate(name: name, index: i, shape: shape),
                                    analytic: a[i], numeric: b[i], tolerance: tolerance))
        }
        if scale > 0 { normwise = max(normwise, difference / scale) }
        if difference.isNaN { normwise = .infinity }
    }
}
