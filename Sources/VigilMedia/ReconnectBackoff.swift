/// The reconnect state machine of a source: it says how long to wait after each failure.
///
/// A value type that takes the time as an argument (an injectable clock) and returns what to do;
/// the reading thread carries the waits out. Delays grow by `policy.multiplier` per failure up to
/// `policy.maximumDelay`, and start again from `policy.initialDelay` once a connection has
/// delivered frames for `policy.healthyAfter` seconds.
struct ReconnectBackoff {
    /// What the reading thread does next.
    enum Action: Equatable {
        /// Wait this many seconds, then make reconnection attempt number `attempt` (1-based).
        case retry(after: Double, attempt: Int)
    }

    let policy: ReconnectPolicy
    /// Failures since the last healthy connection.
    private(set) var failures = 0
    /// When the current connection started delivering frames, if it did.
    private var streamingSince: ContinuousClock.Instant?
    /// A number in 0..<1 for jitter; injectable so tests are deterministic.
    private let random: () -> Double

    init(policy: ReconnectPolicy, random: @escaping () -> Double = { Double.random(in: 0..<1) }) {
        self.policy = policy
        self.random = random
    }

    /// The connection delivered its first frame at `now`.
    mutating func streaming(at now: ContinuousClock.Instant) {
        if streamingSince == nil { streamingSince = now }
    }

    /// The connection failed or was lost at `now`: returns how long to wait.
    mutating func failed(at now: ContinuousClock.Instant) -> Action {
        if let since = streamingSince, now - since >= .seconds(policy.healthyAfter) { failures = 0 }
        streamingSince = nil
        var delay = policy.initialDelay
        for _ in 0..<failures {
            delay *= policy.multiplier
            if delay >= policy.maximumDelay { break }
        }
        delay = min(delay, policy.maximumDelay)
        delay *= 1 - policy.jitter * random()
        failures += 1
        return .retry(after: delay, attempt: failures)
    }
}
