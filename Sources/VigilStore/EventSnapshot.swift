import Foundation

/// A stored picture of an event's best frame: the plain JPEG and, optionally, one with boxes drawn.
public struct EventSnapshot: Sendable, Hashable {
    /// The event it shows.
    public var eventID: String
    /// The plain JPEG.
    public var path: String
    /// The same frame with the detections drawn, if one was made.
    public var withBoxesPath: String?
    /// Size of both files together.
    public var bytes: Int64
    public var created: Date

    public init(eventID: String, path: String, withBoxesPath: String? = nil, bytes: Int64, created: Date) {
        self.eventID = eventID
        self.path = path
        self.withBoxesPath = withBoxesPath
        self.bytes = bytes
        self.created = created
    }
}
