/// A contiguous, growable buffer of trivial values (scalars or row indices) whose storage is
/// reused across segments: `removeAll()` keeps the capacity, so a steady-state step allocates nothing.
///
/// The base, count and capacity live in one heap header behind a `let` pointer, not in stored
/// `var`s: an access to a class's stored `var` costs a dynamic exclusivity check (`swift_beginAccess`)
/// wherever the compiler cannot prove it safe (for instance once cross-module optimisation makes the
/// property visible to other modules), and `append` runs several times per step.
@usableFromInline
final class GrowableBuffer<Element> {
    private struct Header {
        var base: UnsafeMutablePointer<Element>
        var count: Int
        var capacity: Int
        var growths: Int
    }
    private let header: UnsafeMutablePointer<Header>

    /// The first element; valid until the next append or reserve that grows the buffer.
    var base: UnsafeMutablePointer<Element> { header.pointee.base }
    /// Elements appended since the last `removeAll()`.
    var count: Int { header.pointee.count }
    /// Elements the storage holds before it must grow.
    var capacity: Int { header.pointee.capacity }
    /// Appends that had to grow the storage (an allocation in a step), since creation; `reserve` does not count.
    var growths: Int { header.pointee.growths }

    init(capacity: Int = 16) {
        let capacity = max(capacity, 1)
        header = .allocate(capacity: 1)
        header.initialize(to: Header(base: .allocate(capacity: capacity), count: 0, capacity: capacity, growths: 0))
    }

    deinit {
        header.pointee.base.deallocate()
        header.deinitialize(count: 1)
        header.deallocate()
    }

    /// Appends `n` uninitialised-but-writable elements and returns a pointer to the first.
    /// The pointer is valid until the next append.
    func append(_ n: Int) -> UnsafeMutablePointer<Element> {
        let start = header.pointee.count
        if start + n > header.pointee.capacity {
            var newCapacity = header.pointee.capacity
            while start + n > newCapacity { newCapacity *= 2 }
            moveStorage(toCapacity: newCapacity)
            header.pointee.growths += 1
        }
        header.pointee.count = start + n
        return header.pointee.base + start
    }

    func removeAll() { header.pointee.count = 0 }

    /// Makes the capacity at least `n` elements, in one allocation of exactly `n` when it grows
    /// (no doubling, so no copy and no spare pages: a segment whose length is known up front).
    func reserve(_ n: Int) {
        guard n > header.pointee.capacity else { return }
        moveStorage(toCapacity: n)
    }

    /// Moves the elements into a new allocation of `newCapacity` elements.
    private func moveStorage(toCapacity newCapacity: Int) {
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        grown.moveInitialize(from: header.pointee.base, count: header.pointee.count)
        header.pointee.base.deallocate()
        header.pointee.base = grown
        header.pointee.capacity = newCapacity
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
