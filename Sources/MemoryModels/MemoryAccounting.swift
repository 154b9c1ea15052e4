import NearestNeighbours
import SAMNumerics

/// A model that can say where its bytes go: every buffer it holds, by part (issue 14's RSS table).
/// The profiler reads it after the timed segments and prints it beside the measured peak RSS.
public protocol MemoryAccounting {
    var memoryAccount: [MemoryAccountEntry] { get }
}

extension SAM: MemoryAccounting {
    /// M, the index by part, the usage arrays (ring, access times, step stamps and weights), the
    /// episode's undo log, the tape and journal of the last forward, the sparse memory gradient, the
    /// parameters and their gradients.
    public var memoryAccount: [MemoryAccountEntry] {
        let c = configuration
        let usage = ring.byteSize + lastAccess.capacity * MemoryLayout<Int>.stride
            + stamp.capacity * MemoryLayout<Int>.stride + accessWeight.capacity * MemoryLayout<Scalar>.stride
        return [MemoryAccountEntry(part: "memory M (N x W)", bytes: memory.byteSize)] + index.memoryAccount + [
            MemoryAccountEntry(part: "usage: LRU ring, access times, step stamps, access weights", bytes: usage),
            MemoryAccountEntry(part: "episode undo log (N flag bytes + touched rows)", bytes: undo.byteSize),
            MemoryAccountEntry(part: "tape (last forward)", bytes: tape.byteSize),
            MemoryAccountEntry(part: "journal (last forward)", bytes: journal.byteSize),
            MemoryAccountEntry(part: "memory gradient (N slot indices + touched rows)", bytes: gradientMemory.byteSize),
            MemoryAccountEntry(part: "parameters and gradients (P = \(parameters.totalCount))", bytes: parameters.byteSize),
            MemoryAccountEntry(part: "scratch (records, segment start)",
                               bytes: (2 * tape.scalarsPerStep + 2 * c.heads * k) * MemoryLayout<Scalar>.stride),
        ]
    }
}

extension DAM: MemoryAccounting {
    /// M, the tape (M_t and the dense weights per step), the dense memory gradient, the N-sized
    /// scratch and usage, the parameters and their gradients.
    public var memoryAccount: [MemoryAccountEntry] {
        let usage = ring.byteSize + lastAccess.capacity * MemoryLayout<Int>.stride + included.capacity
            + state.previousWeights.capacity * MemoryLayout<Scalar>.stride
        return [
            MemoryAccountEntry(part: "memory M (N x W)", bytes: memory.byteSize),
            MemoryAccountEntry(part: "tape (last forward: M_t, s, wR per step)", bytes: tape.byteSize),
            MemoryAccountEntry(part: "memory gradient (dense N x W)", bytes: gradientMemory.byteSize),
            MemoryAccountEntry(part: "scratch (weights, norms, records)", bytes: scratch.byteSize),
            MemoryAccountEntry(part: "usage and previous weights", bytes: usage),
            MemoryAccountEntry(part: "parameters and gradients (P = \(parameters.totalCount))", bytes: parameters.byteSize),
        ]
    }
}

extension BareController: MemoryAccounting {
    public var memoryAccount: [MemoryAccountEntry] {
        [MemoryAccountEntry(part: "tape (last forward)", bytes: tape.byteSize),
         MemoryAccountEntry(part: "parameters and gradients (P = \(parameters.totalCount))", bytes: parameters.byteSize)]
    }
}
