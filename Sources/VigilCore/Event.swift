import Foundation

/// Something a camera saw for a while: one label, from its first confirmed sighting to the end of
/// the quiet time after its last one.
///
/// Events are values; the pipeline's `EventDetector` makes and changes them, the store keeps them
/// and the MQTT sink publishes them as `EventMessage`s. The box and score are those of the best
/// frame so far (the one whose snapshot is kept).
public struct Event: Sendable, Hashable, Identifiable {
    /// Sortable id: `<unix-ms, 13 digits>-<6 random base-36 characters>` (see `EventIDGenerator`).
    public var id: String
    /// The camera's name.
    public var camera: String
    /// The tag the event is about (`tagName` of the predictions).
    public var label: String
    /// The highest probability seen so far, 0...1.
    public var topScore: Double
    /// The box of the top score, normalised 0...1; nil for classification models.
    public var box: BoundingBox?
    /// Names of the zones the label has been seen in, in the order it entered them.
    public var zones: [String]
    /// Time of the first frame of the sighting that started the event.
    public var start: Date
    /// Time of the last matching frame; nil while the event is active.
    public var end: Date?
    /// A clip of the event is being written or has been written.
    public var hasClip: Bool
    /// A snapshot of the best frame is kept.
    public var hasSnapshot: Bool

    public init(id: String, camera: String, label: String, topScore: Double, box: BoundingBox? = nil,
                zones: [String] = [], start: Date, end: Date? = nil, hasClip: Bool = false, hasSnapshot: Bool = false) {
        self.id = id
        self.camera = camera
        self.label = label
        self.topScore = topScore
        self.box = box
        self.zones = zones
        self.start = start
        self.end = end
        self.hasClip = hasClip
        self.hasSnapshot = hasSnapshot
    }

    /// True until the event has ended.
    public var isActive: Bool { end == nil }
}
