/// Decides how long to hold a frame so that a file plays at the rate of its timestamps.
///
/// The first frame anchors presentation time to the monotonic clock; each later frame is due at
/// `anchor + (pts − anchorPTS)`. A frame due more than `resyncThreshold` seconds early or late (a
/// timestamp jump, or a reader that fell far behind) re-anchors instead of sleeping or racing.
struct RealTimePacer {
    /// Seconds of early or late beyond which the pacer re-anchors. Default 2.
    var resyncThreshold: Double = 2
    private var anchor: (pts: Double, instant: ContinuousClock.Instant)?

    /// Seconds to wait before delivering a frame with presentation time `pts`, seen at `now`.
    mutating func delay(forPresentationTime pts: Double, now: ContinuousClock.Instant) -> Double {
        guard let anchor else {
            anchor = (pts, now)
            return 0
        }
        let due = anchor.instant + .seconds(pts - anchor.pts)
        let wait = (due - now).seconds
        if wait > resyncThreshold || wait < -resyncThreshold {
            self.anchor = (pts, now)
            return 0
        }
        return max(0, wait)
    }

    /// Forgets the anchor (after a reconnect); the next frame plays at once.
    mutating func reset() { anchor = nil }
}

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
