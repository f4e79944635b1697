import Foundation

/// Which events a listing returns: by camera, label and start time, one page at a time.
///
/// Defaults: every camera and label, any time, the 100 newest.
public struct EventFilter: Sendable, Equatable {
    /// Only this camera's events; nil for all. Default nil.
    public var camera: String?
    /// Only events of this label; nil for all. Default nil.
    public var label: String?
    /// Only events that started at or after this time. Default nil.
    public var startedFrom: Date?
    /// Only events that started before this time. Default nil.
    public var startedBefore: Date?
    /// Page size. Default 100.
    public var limit: Int
    /// Events skipped before the page, newest first. Default 0.
    public var offset: Int

    public init(camera: String? = nil, label: String? = nil, startedFrom: Date? = nil, startedBefore: Date? = nil,
                limit: Int = 100, offset: Int = 0) {
        self.camera = camera
        self.label = label
        self.startedFrom = startedFrom
        self.startedBefore = startedBefore
        self.limit = limit
        self.offset = offset
    }
}
