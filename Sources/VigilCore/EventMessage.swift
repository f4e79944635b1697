import Foundation

/// The message published when an event starts, changes or ends, in the shape of Frigate's
/// `frigate/events` topic: `{"type":"new|update|end","before":{...},"after":{...}}`.
///
/// For `new`, `before` and `after` are the same event. See `jsonString()` for the fields.
public struct EventMessage: Sendable, Hashable {
    /// What happened to the event.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case new, update, end
    }

    public var kind: Kind
    public var before: Event
    public var after: Event

    public init(kind: Kind, before: Event, after: Event) {
        self.kind = kind
        self.before = before
        self.after = after
    }

    /// Compact JSON: `type`, `before`, `after`, each event with the fields `id`, `camera`, `label`,
    /// `top_score`, `box` (`[left, top, width, height]` or null), `start_time`, `end_time` (unix
    /// seconds; null while active), `has_clip`, `has_snapshot`, `zones`, in that order.
    /// Numbers are written as Python's `json.dumps` would (`JSONText.number`).
    public func jsonString() -> String {
        "{\"type\":\"\(kind.rawValue)\",\"before\":" + before.jsonString() + ",\"after\":" + after.jsonString() + "}"
    }
}

extension Event {
    /// The event as one JSON object of an `EventMessage` (Frigate's field names).
    public func jsonString() -> String {
        var out = "{\"id\":" + JSONText.string(id)
        out += ",\"camera\":" + JSONText.string(camera)
        out += ",\"label\":" + JSONText.string(label)
        out += ",\"top_score\":" + JSONText.number(topScore)
        if let box {
            let values = [box.left, box.top, box.width, box.height].map(JSONText.number)
            out += ",\"box\":[" + values.joined(separator: ",") + "]"
        } else {
            out += ",\"box\":null"
        }
        out += ",\"start_time\":" + JSONText.number(start.timeIntervalSince1970)
        out += ",\"end_time\":" + (end.map { JSONText.number($0.timeIntervalSince1970) } ?? "null")
        out += ",\"has_clip\":\(hasClip),\"has_snapshot\":\(hasSnapshot)"
        out += ",\"zones\":[" + zones.map(JSONText.string).joined(separator: ",") + "]"
        return out + "}"
    }
}
