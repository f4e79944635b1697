import Foundation

/// A video file recorded for an event: where it is, what time it covers and whether it is complete.
///
/// A clip is `writing` from the moment its file is opened; after a crash, clips still `writing`
/// are finalized (if the file is playable) or removed by the caller at the next start.
public struct Clip: Sendable, Hashable {
    /// Where the clip is in its life.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// The file is open and growing.
        case writing
        /// The file is complete and playable.
        case finalized
        /// The file has been deleted (retention or the event's deletion); the row stays for history.
        case removed
    }

    /// The event the clip belongs to.
    public var eventID: String
    /// The file's path, as the writer opened it.
    public var path: String
    /// Time of the clip's first frame.
    public var start: Date
    /// Time of its last frame; nil while writing.
    public var end: Date?
    /// Size of the file in bytes (0 until known).
    public var bytes: Int64
    /// The video codec's FFmpeg name, e.g. `h264`.
    public var codec: String
    public var state: State

    public init(eventID: String, path: String, start: Date, end: Date? = nil, bytes: Int64 = 0,
                codec: String, state: State = .writing) {
        self.eventID = eventID
        self.path = path
        self.start = start
        self.end = end
        self.bytes = bytes
        self.codec = codec
        self.state = state
    }

    /// Seconds from the first to the last frame; nil while writing.
    public var duration: TimeInterval? { end.map { $0.timeIntervalSince(start) } }
}
