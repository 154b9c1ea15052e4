/// Whether a finite-difference check can judge what it compared, and how small a fault on one entry it
/// would catch, block by block (each parameter of SPEC "Parameters", then `inputs`).
///
/// A check cannot judge (`reason` is non-nil) when, in some block whose entries are not all exactly 0:
/// - its largest tolerance τ is ≥ `vacuousFraction` (0.1) × the block's largest entry max(|∇|, |∇̂|), or
/// - the finite difference at the block's largest entry is mostly rounding: its rounding estimate
///   (ε·κ/h plus each loss value's ulp, `NumericDerivative.rounding`) is ≥ half that entry;
/// and, for the whole check, when nothing was compared, or more than `kinkLimit` (25%) of coordinates kinked.
/// A block whose analytic and numeric entries are all exactly 0 is judged exactly (any non-zero fails).
///
/// Detection floor of a block: the smallest relative fault ρ ∈ {10⁻¹, …, 10⁻¹⁴} that, applied to the
/// block's largest analytic entry a_i (a_i ← a_i·(1 + ρ)), makes that entry exceed its tolerance.
/// The numeric side never reads the analytic gradient, so injecting the fault and re-judging the same
/// finite difference is the same as re-running the check with the fault in the backward pass.
struct BlockJudgement {
    static let vacuousFraction = 0.1
    static let roundingFraction = 0.5
    static let kinkLimit = 0.25
    /// Relative fault sizes tried for the detection floor, largest first.
    static let faultSizes: [Double] = (1...14).map { pow10(-$0) }

    private struct Block {
        let name: String
        var maxEntry = 0.0, maxTolerance = 0.0
        var largest: (analytic: Double, numeric: Double, tolerance: Double, rounding: Double)?
    }
    private var blocks: [Block] = []

    /// Starts a new block; the following `add`s belong to it.
    mutating func begin(_ name: String) { blocks.append(Block(name: name)) }

    /// One compared entry of the current block: analytic a, numeric n, its tolerance τ and the finite
    /// difference's rounding estimate.
    mutating func add(analytic a: Double, numeric n: Double, tolerance: Double, rounding: Double) {
        var b = blocks.removeLast()
        b.maxEntry = max(b.maxEntry, abs(a), abs(n))
        b.maxTolerance = max(b.maxTolerance, tolerance)
        if b.largest.map({ abs(a) > abs($0.analytic) }) ?? true { b.largest = (a, n, tolerance, rounding) }
        blocks.append(b)
    }

    /// Why the check cannot judge, or nil. `kinks` and `total` count coordinates (free mode).
    func reason(compared: Int, kinks: Int = 0, total: Int) -> String? {
        if compared == 0 { return "nothing was compared (\(kinks) of \(total) coordinates kinked)" }
        if Double(kinks) > Self.kinkLimit * Double(total) {
            return "\(kinks) of \(total) coordinates kinked (more than \(Int(Self.kinkLimit * 100))%): "
                + "free mode compared too few to judge"
        }
        return blocks.lazy.compactMap(Self.reason).first
    }

    /// Why the block begun last cannot be judged, or nil.
    var currentBlockReason: String? { blocks.last.flatMap(Self.reason) }

    /// Why one block cannot be judged: its largest τ not small against its largest entry, or its finite
    /// difference mostly rounding; nil for a block that can be judged (or whose entries are all 0).
    private static func reason(_ b: Block) -> String? {
        guard b.maxEntry > 0 else { return nil }
        if b.maxTolerance >= vacuousFraction * b.maxEntry {
            return "\(b.name): tolerance \(format(b.maxTolerance)) is not small against the block's largest entry "
                + "\(format(b.maxEntry)) (≥ \(vacuousFraction)x)"
        }
        if let l = b.largest, l.rounding >= roundingFraction * max(abs(l.numeric), abs(l.analytic)) {
            return "\(b.name): the finite difference is mostly rounding (rounding \(format(l.rounding)) vs entry "
                + "\(format(abs(l.numeric)))); try a larger --step"
        }
        return nil
    }

    /// The detection floor of every block that has a non-zero entry.
    var floors: [DetectionFloor] {
        blocks.compactMap { b in
            guard let l = b.largest, l.analytic != 0 else { return nil }
            let caught = Self.faultSizes.filter { rho in abs(l.analytic * (1 + rho) - l.numeric) > l.tolerance }
            // Sizes are tried from large to small; the floor is the last of the leading run that is caught.
            var floor: Double?
            for rho in Self.faultSizes { if caught.contains(rho) { floor = rho } else { break } }
            return DetectionFloor(block: b.name, largestEntry: abs(l.analytic), tolerance: l.tolerance, floor: floor)
        }
    }
}

/// The smallest relative fault on one entry (the block's largest) that a check catches.
public struct DetectionFloor: Codable, Sendable, Equatable {
    /// The block's SPEC name (or `loss`, `outputs`, `inputs`).
    public let block: String
    /// |a_i| of the entry faulted.
    public let largestEntry: Double
    /// That entry's tolerance.
    public let tolerance: Double
    /// Smallest ρ in 10⁻¹…10⁻¹⁴ caught (every larger size caught too); nil when not even 10⁻¹ is caught.
    public let floor: Double?
}

/// 10^-e exactly as a decimal literal would give it.
private func pow10(_ e: Int) -> Double { Double("1e\(e)")! }
