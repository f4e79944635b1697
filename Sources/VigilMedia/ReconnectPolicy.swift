/// How long a source waits between reconnection attempts: exponential back-off with a ceiling.
public struct ReconnectPolicy: Sendable, Equatable {
    /// Seconds before the first attempt after a loss. Default 0.5.
    public var initialDelay: Double
    /// Each failed attempt multiplies the delay by this. Default 2.
    public var multiplier: Double
    /// The delay never exceeds this many seconds. Default 30.
    public var maximumDelay: Double
    /// Fraction (0...1) by which each delay is randomly shortened, so that many cameras that lost
    /// the same server do not all come back at once. Default 0 (no jitter).
    public var jitter: Double
    /// A connection that delivered frames for at least this many seconds counts as healthy: the
    /// next loss starts again from `initialDelay`. Default 10.
    public var healthyAfter: Double

    public init(initialDelay: Double = 0.5, multiplier: Double = 2, maximumDelay: Double = 30,
                jitter: Double = 0, healthyAfter: Double = 10) {
        precondition(initialDelay >= 0 && multiplier >= 1 && maximumDelay >= initialDelay, "invalid back-off")
        precondition((0...1).contains(jitter), "jitter is a fraction in 0...1")
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maximumDelay = maximumDelay
        self.jitter = jitter
        self.healthyAfter = healthyAfter
    }
}
