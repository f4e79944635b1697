import Foundation

/// Which packets or frames belong to the open clip: the clip lifecycle as a value-type state
/// machine, fed by `ClipRecorder` (events) and its writer (items), with no clock of its own —
/// every time is a source-timeline second.
///
/// One clip is open at a time. `start` opens one, or extends the open one (an event during a
/// clip or its post-roll adds its ID and cancels the pending end). `end(at:)` schedules the stop
/// at `end + postRoll`; the writer asks `disposition(ofItemAt:)` for each item in decoding order
/// and finishes the clip at the first anchor item at or past the stop, which it does not write.
struct ClipSchedule {
    struct Clip: Equatable {
        /// +1 per clip opened by this schedule.
        var number: Int
        var eventIDs: [String]
        var url: URL
        /// The start event's time; the clip begins at the last keyframe at or before
        /// `eventStart - preRoll`, from `startSequence` (nil: the first keyframe to arrive).
        var eventStart: Double
        var startSequence: UInt64?
        /// The latest end event's time; nil while an event is in progress.
        var eventEnd: Double?
    }

    enum StartOutcome: Equatable {
        case opened(Clip)
        case extended(Clip)
    }

    enum Disposition: Equatable {
        /// Write the item into the open clip.
        case write
        /// The open clip ends before this item: finalize it (`finishOpenClip()`).
        case finish
        /// No clip is open.
        case idle
    }

    let postRoll: Double
    private(set) var open: Clip?
    private var opened = 0

    init(postRoll: Double) {
        self.postRoll = postRoll
    }

    /// An event starts at `time`: opens a clip written to `url` from `startSequence`, or extends
    /// the open one (then `url` and `startSequence` are not used).
    mutating func start(eventID: String, at time: Double, url: URL, startSequence: UInt64?) -> StartOutcome {
        if var clip = open {
            clip.eventIDs.append(eventID)
            clip.eventEnd = nil
            open = clip
            return .extended(clip)
        }
        opened += 1
        let clip = Clip(number: opened, eventIDs: [eventID], url: url, eventStart: time,
                        startSequence: startSequence, eventEnd: nil)
        open = clip
        return .opened(clip)
    }

    /// The event of the open clip ended at `time`; false when no clip is open.
    mutating func end(at time: Double) -> Bool {
        guard open != nil else { return false }
        open!.eventEnd = max(time, open!.eventEnd ?? time)
        return true
    }

    /// Where the open clip stops: `eventEnd + postRoll`, once its event ended.
    var stopTime: Double? { open?.eventEnd.map { $0 + postRoll } }

    /// What to do with the next item of the open clip, whose decoding time is `time`.
    ///
    /// `isAnchor`: the item is displayed after every item before it (a keyframe or P-frame; every
    /// frame of a stream without B-frames). The clip only ends before an anchor, so the B-frames
    /// that precede it in decoding order but are displayed before the last written anchor are
    /// kept, and the clip's pictures have no hole at the end.
    func disposition(ofItemAt time: Double, isAnchor: Bool = true) -> Disposition {
        guard open != nil else { return .idle }
        if let stopTime, time >= stopTime, isAnchor { return .finish }
        return .write
    }

    /// Closes the open clip (the writer finalizes it) and returns it.
    mutating func finishOpenClip() -> Clip? {
        defer { open = nil }
        return open
    }
}
