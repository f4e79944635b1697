/// When to try the broker again: exponential backoff between connection attempts.
///
/// A value type driven by the network thread: after each failed attempt, ``failed(at:)`` returns
/// the instant of the next attempt, `initialDelay` after the first failure and doubling up to
/// `maxDelay`; ``connected()`` starts over. Time is whatever monotonic seconds the caller passes,
/// so tests drive it without a clock.
public struct MQTTReconnectBackoff: Sendable, Equatable {
    public let initialDelay: Double
    public let maxDelay: Double
    /// Failed attempts since the last successful connection.
    public private(set) var consecutiveFailures = 0

    public init(initialDelay: Double, maxDelay: Double) {
        precondition(initialDelay > 0 && maxDelay >= initialDelay, "backoff delays must satisfy 0 < initial <= max")
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// The delay before the next attempt, given the failures so far.
    public var currentDelay: Double {
        guard consecutiveFailures > 0 else { return 0 }
        let doublings = min(consecutiveFailures - 1, 62)
        return min(maxDelay, initialDelay * Double(UInt64(1) << UInt64(doublings)))
    }

    /// Records a failed attempt (or a lost connection) at `now`; returns when to try next.
    public mutating func failed(at now: Double) -> Double {
        consecutiveFailures += 1
        return now + currentDelay
    }

    /// Records a successful connection: the next failure waits `initialDelay` again.
    public mutating func connected() {
        consecutiveFailures = 0
    }
}
