/// Measures the input frame rate over the last few frames.
///
/// Keeps the times of the last `capacity` frames in a fixed ring (no allocation per frame) and
/// reports `(count − 1) / (newest − oldest)`.
struct FrameRateMeter {
    private var times: [ContinuousClock.Instant?]
    private var next = 0
    private var count = 0

    /// Averages over the last `capacity` frames (default 30, about a second of video).
    init(capacity: Int = 30) {
        precondition(capacity >= 2, "a rate needs at least two frames")
        times = Array(repeating: nil, count: capacity)
    }

    /// Records a frame at `now`.
    mutating func record(_ now: ContinuousClock.Instant) {
        times[next] = now
        next = (next + 1) % times.count
        count = min(count + 1, times.count)
    }

    /// Frames per second, or 0 before two frames were seen.
    var framesPerSecond: Double {
        guard count >= 2 else { return 0 }
        let newest = times[(next - 1 + times.count) % times.count]!
        let oldest = times[(next - count + times.count) % times.count]!
        let span = (newest - oldest).seconds
        return span > 0 ? Double(count - 1) / span : 0
    }

    /// Forgets all frames (after a reconnect).
    mutating func reset() {
        for index in times.indices { times[index] = nil }
        next = 0
        count = 0
    }
}
