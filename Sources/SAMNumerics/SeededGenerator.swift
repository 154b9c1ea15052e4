import RealModule

/// A small, fast, seedable random number generator (SplitMix64), so that every random
/// initialisation, test case and benchmark input replays exactly from its seed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    @inlinable public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [-scale, scale].
    @inlinable public mutating func uniform<S: ModelScalar>(_ scale: S) -> S {
        S.random(in: -scale...scale, using: &self)
    }

    /// A standard normal value (Box–Muller).
    @inlinable public mutating func normal<S: ModelScalar>() -> S {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return S(Double.sqrt(-2 * Double.log(u1)) * Double.cos(2 * Double.pi * u2))
    }
}
