/// Decides which frames a camera scores so that at most `fps` frames per second are scored.
///
/// A value-type state machine over frame times (seconds on any monotonic timeline), so it is
/// tested without a clock. With `fps == 0` every frame offered is scored: the source's
/// latest-frame slot already skips frames the model cannot keep up with. Frames are never queued:
/// a frame that comes too early is skipped, not delayed.
public struct FrameSampler: Sendable {
    public enum Decision: Equatable, Sendable { case score, skip }

    /// Frames scored per second at most; 0: no limit.
    public let fps: Double
    private var nextDue: Double?

    public init(fps: Double) {
        precondition(fps >= 0 && fps.isFinite, "fps must be a finite number >= 0")
        self.fps = fps
    }

    /// Whether the frame at `time` is scored; when it is, the next one is due one period later
    /// (or now, if the camera fell behind by more than a period, so bursts do not follow stalls).
    public mutating func offer(at time: Double) -> Decision {
        guard fps > 0 else { return .score }
        let period = 1 / fps
        // A small tolerance keeps a 25 fps source sampled at 5 fps from drifting to every 6th frame.
        if let due = nextDue, time + period * 0.05 < due { return .skip }
        if let due = nextDue, time - due < period {
            nextDue = due + period
        } else {
            nextDue = time + period
        }
        return .score
    }
}
