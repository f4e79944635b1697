/// Holds only the newest frame of a source, so a slow consumer never falls behind.
///
/// A frame replaced before anyone took it counts as dropped. Taking a frame leaves it in the slot
/// (a consumer asking again with an older sequence gets it again) but marks it consumed. A value
/// type with no locking: `CaptureState` guards it.
struct LatestFrameSlot {
    private var frame: Frame?
    private var consumed = false
    /// Frames replaced before they were taken.
    private(set) var dropped: UInt64 = 0

    /// The newest frame's sequence, 0 before the first.
    var newestSequence: UInt64 { frame?.sequence ?? 0 }

    /// Stores `frame` as the newest. Returns the pixel buffer of the frame it replaced when that
    /// frame was never handed out, so the reader can decode into it again without allocating.
    mutating func publish(_ newFrame: Frame) -> [UInt8]? {
        var reusable: [UInt8]?
        if var old = frame {
            if !consumed {
                dropped += 1
                frame = nil  // the slot's copy must go before the buffer can be uniquely owned
                reusable = old.pixels
                old.pixels = []
            }
        }
        frame = newFrame
        consumed = false
        return reusable
    }

    /// The newest frame if its sequence is greater than `sequence`, marked consumed.
    mutating func take(after sequence: UInt64) -> Frame? {
        guard let frame, frame.sequence > sequence else { return nil }
        consumed = true
        return frame
    }
}
