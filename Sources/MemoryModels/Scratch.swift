/// Fixed-size scratch vectors, allocated once per model and reused by every pass, so hot loops
/// work on stable contiguous pointers and a steady-state step allocates nothing.
@usableFromInline
final class Scratch<Scalar: Numeric> {
    private var blocks: [UnsafeMutablePointer<Scalar>] = []
    private var sizes: [Int] = []

    init() {}

    /// A zero-filled vector of `count` scalars that lives as long as this object.
    func vector(_ count: Int) -> UnsafeMutablePointer<Scalar> {
        let p = UnsafeMutablePointer<Scalar>.allocate(capacity: max(count, 1))
        p.initialize(repeating: 0, count: max(count, 1))
        blocks.append(p)
        sizes.append(max(count, 1))
        return p
    }

    var byteSize: Int { sizes.reduce(0, +) * MemoryLayout<Scalar>.stride }

    deinit { for p in blocks { p.deallocate() } }
}

extension UnsafeMutablePointer where Pointee: Numeric {
    /// Sets `count` entries to zero.
    @inlinable func zero(_ count: Int) { update(repeating: 0, count: count) }
}

/// The vectors a backward pass carries between steps and uses within one (shared by SAM and DAM;
/// `readWidth` is K for SAM and N for DAM).
@usableFromInline
final class BackwardScratch<Scalar: Numeric> {
    let storage = Scratch<Scalar>()
    /// dL/dh, dL/dcell (H); d[h ; r] (H + R*W); dL/dc (X + R*W); dz (4H); dy (Y); dξ (R*(2W+3)).
    let dh, dcell, dhr, dc, dz, dy, dxi: UnsafeMutablePointer<Scalar>
    /// dL/dw over one head's read (readWidth); dL/dwR_t and dL/dwR_{t-1} for all heads (R*readWidth).
    let dw, dwNext, dwPrevious: UnsafeMutablePointer<Scalar>

    init(_ c: ModelConfiguration, readWidth: Int) {
        let h = c.hidden, rw = c.heads * c.wordSize
        dh = storage.vector(h); dcell = storage.vector(h); dhr = storage.vector(h + rw)
        dc = storage.vector(c.controllerInputSize); dz = storage.vector(4 * h); dy = storage.vector(c.outputSize)
        dxi = storage.vector(c.interfaceSize)
        dw = storage.vector(readWidth)
        dwNext = storage.vector(c.heads * readWidth); dwPrevious = storage.vector(c.heads * readWidth)
    }
}
