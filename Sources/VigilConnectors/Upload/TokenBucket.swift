/// A bandwidth limit: how long to wait before sending so many bytes.
///
/// A value type over caller-supplied monotonic seconds: the bucket fills at `rate` bytes per
/// second up to `burst` bytes; ``reserve(_:now:)`` takes the bytes (going into debt when there are
/// not enough) and returns the seconds to wait, so a large part waits in proportion to its size.
public struct TokenBucket: Sendable, Equatable {
    /// Bytes per second.
    public let rate: Double
    /// Bytes that may go at once after a quiet spell.
    public let burst: Double
    private var tokens: Double
    private var last: Double?

    public init(rate: Double, burst: Double? = nil) {
        precondition(rate > 0, "a bandwidth limit must be positive")
        self.rate = rate
        self.burst = burst ?? rate
        self.tokens = self.burst
    }

    /// Takes `bytes` at `now`; returns the seconds to wait before sending them (0 when within the limit).
    public mutating func reserve(_ bytes: Int, now: Double) -> Double {
        if let last { tokens = min(burst, tokens + (now - last) * rate) }
        last = now
        tokens -= Double(bytes)
        return tokens >= 0 ? 0 : -tokens / rate
    }
}
