/// The memory M: an N x W row-major matrix of words, allocated once and modified in place.
///
/// It is a reference type on purpose: the model, its index and its journal all look at the
/// same storage, and SAM must never copy it per step (SPEC "Backward pass and memory").
public final class MemoryMatrix<Scalar: ModelScalar> {
    /// Number of words N.
    public let rows: Int
    /// Word size W.
    public let width: Int
    /// Contiguous storage, `rows * width` scalars; row i starts at `i * width`.
    public let storage: UnsafeMutableBufferPointer<Scalar>

    public init(rows: Int, width: Int) {
        self.rows = rows
        self.width = width
        storage = .allocate(capacity: rows * width)
        storage.initialize(repeating: 0)
    }

    deinit { storage.deallocate() }

    /// Pointer to the first scalar of row `i`.
    @inlinable public func row(_ i: Int) -> UnsafeMutablePointer<Scalar> {
        storage.baseAddress! + i * width
    }

    /// A copy of all N*W scalars (tests and the dense model's per-step record).
    public func snapshot() -> [Scalar] { Array(storage) }

    /// Overwrite all scalars from `values` (`rows * width` of them).
    public func load(_ values: [Scalar]) {
        precondition(values.count == storage.count, "MemoryMatrix.load: wrong size")
        _ = storage.update(fromContentsOf: values)
    }

    /// Set every scalar to zero.
    public func zero() { storage.update(repeating: 0) }

    /// Bytes held by the storage.
    public var byteSize: Int { storage.count * MemoryLayout<Scalar>.stride }
}
