import VigilCore

/// What the tests' sweeps and fuzz cases draw from a seeded `SplitMix64`.
extension SplitMix64 {
    /// A uniform integer in 0..<n.
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// A float in [0, 1) from 24 random bits.
    public mutating func unitFloat() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// `count` floats uniform in `range` (24 random bits each).
    public mutating func floats(_ count: Int, in range: ClosedRange<Float>) -> [Float] {
        (0..<count).map { _ in range.lowerBound + unitFloat() * (range.upperBound - range.lowerBound) }
    }
}
