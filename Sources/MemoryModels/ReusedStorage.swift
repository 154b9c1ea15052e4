import SAMNumerics

// Steady-state steps allocate nothing (issue 14): arrays a model returns or carries are refilled in
// place. A Swift array shares its storage when copied; writing to a shared one copies it (one
// allocation), so a model keeps its own copies and writes into them element by element.

/// Sets `array` to `count` zeros, reusing its storage when the caller has let go of the last copy
/// the model returned (outputs, input gradients).
@inline(__always)
func resize<Scalar: ModelScalar>(_ array: inout [Scalar], to count: Int) {
    if array.count == count {
        array.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    } else {
        array = [Scalar](repeating: 0, count: count)
    }
}

/// Makes `target` equal to `source` by copying the elements into `target`'s own storage (no
/// allocation when `target` is unshared and large enough), never by sharing `source`'s storage.
@inline(__always)
func copyElements<T>(_ target: inout [T], from source: [T]) {
    if target.count == source.count {
        target.withUnsafeMutableBufferPointer { t in source.withUnsafeBufferPointer { s in _ = t.update(fromContentsOf: s) } }
    } else {
        target.removeAll(keepingCapacity: true)
        target.append(contentsOf: source)
    }
}

extension ControllerState {
    /// h, cell and r copied from `other` into this state's own storage.
    mutating func copyControllerState(from other: Self) {
        copyElements(&h, from: other.h)
        copyElements(&cell, from: other.cell)
        copyElements(&read, from: other.read)
    }
}
