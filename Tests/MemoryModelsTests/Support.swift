import MemoryModels
import SAMNumerics

/// Small helpers shared by the model tests.
enum Fixture {
    /// A small Double configuration with seeded uniform memory (no similarity ties).
    static func configuration(n: Int = 6, w: Int = 3, r: Int = 2, k: Int = 2, h: Int = 4, x: Int = 3, y: Int = 2,
                              seed: UInt64 = 7, loss: LossKind = .sigmoidCrossEntropy,
                              memory: MemoryInitialisation? = nil) throws -> ModelConfiguration {
        try ModelConfiguration(memoryWords: n, wordSize: w, heads: r, neighbours: k, hidden: h, inputSize: x,
                               outputSize: y, memoryInitialisation: memory ?? .uniform(scale: 0.5, seed: seed &+ 100),
                               loss: loss, parameterSeed: seed)
    }

    /// Norm-wise relative error max|a − b| / max(max|a|, max|b|, 1e-300) of two vectors (one parameter's gradient).
    static func relativeError(_ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>) -> Double {
        var difference = 0.0, scale = 1e-300
        for i in 0..<a.count {
            difference = max(difference, abs(a[i] - b[i]))
            scale = max(scale, abs(a[i]), abs(b[i]))
        }
        return difference / scale
    }

    static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in relativeError(pa, pb) } }
    }

    /// Loss of a fresh forward from M_0 with the given decisions held fixed.
    static func loss(_ model: some MemoryModel<Double>, _ episode: Episode<Double>, replay: RecordedDecisions?) throws -> Double {
        model.reset()
        return try model.forward(episode, mode: .inference, replay: replay).loss
    }
}
