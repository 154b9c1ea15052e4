/// A contiguous, growable buffer of trivial values (scalars or row indices) whose storage is
/// reused across segments: `removeAll()` keeps the capacity, so a steady-state step allocates nothing.
@usableFromInline
final class GrowableBuffer<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 16) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Appends `n` uninitialised-but-writable elements and returns a pointer to the first.
    /// The pointer is valid until the next append.
    func append(_ n: Int) -> UnsafeMutablePointer<Element> {
        if count + n > capacity {
            var newCapacity = capacity
            while count + n > newCapacity { newCapacity *= 2 }
            let grown = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
            grown.moveInitialize(from: base, count: count)
            base.deallocate()
            base = grown
            capacity = newCapacity
        }
        defer { count += n }
        return base + count
    }

    func removeAll() { count = 0 }

    /// Makes the capacity at least `n` elements, in one allocation of exactly `n` when it grows
    /// (no doubling, so no copy and no spare pages: a segment whose length is known up front).
    func reserve(_ n: Int) {
        guard n > capacity else { return }
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: n)
        grown.moveInitialize(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = n
    }

    /// Bytes of the elements held (not of spare capacity).
    var byteSize: Int { count * MemoryLayout<Element>.stride }
}

/// The per-step record of the backward pass: a fixed number of scalars and of row indices per
/// step, stored contiguously (`Controller`'s layout first, then the model's own fields).
@usableFromInline
final class Tape<Scalar> {
    let scalarsPerStep: Int
    let indicesPerStep: Int
    private let scalars = GrowableBuffer<Scalar>()
    private let indices = GrowableBuffer<Int32>()
    private(set) var steps = 0

    init(scalarsPerStep: Int, indicesPerStep: Int) {
        self.scalarsPerStep = scalarsPerStep
        self.indicesPerStep = indicesPerStep
    }

    /// Appends one step and returns its (uninitialised) scalar and index records.
    func appendStep() -> (UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Int32>) {
        steps += 1
        return (scalars.append(scalarsPerStep), indices.append(indicesPerStep))
    }

    func scalars(_ t: Int) -> UnsafeMutablePointer<Scalar> { scalars.base + t * scalarsPerStep }
    func indices(_ t: Int) -> UnsafeMutablePointer<Int32> { indices.base + t * indicesPerStep }

    func removeAll() {
        scalars.removeAll()
        indices.removeAll()
        steps = 0
    }

    /// Room for `steps` steps, allocated at once (the forward knows its episode's length).
    func reserve(steps: Int) {
        scalars.reserve(steps * scalarsPerStep)
        indices.reserve(steps * indicesPerStep)
    }

    var byteSize: Int { scalars.byteSize + indices.byteSize }
}
