/// Turns a stream's timestamps into one continuous timeline across loops.
///
/// Frames without a timestamp are placed one frame step after the previous one; the step is the
/// last measured spacing (initially `1 / nominalFrameRate`). After a loop the timeline continues
/// one step after the last frame, so presentation time never goes backwards.
struct PresentationTimeline {
    private var offset = 0.0
    private var last: Double?
    private var step: Double

    /// `nominalFrameRate`: the stream's stated rate, used until two frames were seen. Default 25.
    init(nominalFrameRate: Double? = nil) {
        step = 1 / max(nominalFrameRate ?? 25, 1e-3)
    }

    /// The timeline position of a frame with stream time `raw` (seconds), if it has one.
    mutating func place(_ raw: Double?) -> Double {
        let time: Double
        if let raw { time = raw + offset } else { time = last.map { $0 + step } ?? offset }
        if let last, time > last { step = time - last }
        last = time
        return time
    }

    /// The input starts again from its beginning (a loop).
    mutating func restart() {
        if let last { offset = last + step }
        last = nil
    }
}
