import Foundation

/// A snapshot or clip on disk, as the retention planner sees it.
public struct StoredFile: Sendable, Hashable {
    public var path: String
    public var kind: MediaKind
    public var bytes: Int64
    public var created: Date
    /// Every configured upload target has a copy.
    public var uploaded: Bool
    /// The event the file belongs to.
    public var eventID: String

    public init(path: String, kind: MediaKind, bytes: Int64, created: Date, uploaded: Bool, eventID: String) {
        self.path = path
        self.kind = kind
        self.bytes = bytes
        self.created = created
        self.uploaded = uploaded
        self.eventID = eventID
    }
}
