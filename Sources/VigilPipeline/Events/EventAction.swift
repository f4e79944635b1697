import VigilCore

/// What the event detector asks its caller to do: publish and store an event change, or keep a frame.
///
/// Actions of one call come in a fixed order: ends first, then starts and updates, label by label
/// in alphabetical order; a `saveSnapshot` follows the `started` or `updated` it belongs to.
public enum EventAction: Sendable, Hashable {
    /// A new event; publish it (`type: new`) and insert it.
    case started(Event)
    /// Something reportable changed: a higher top score (with its box), a zone entered for the
    /// first time, or a clip started. Other frames of an active event produce no action.
    case updated(before: Event, after: Event)
    /// The event ended; `after.end` is the time of its last matching frame.
    case ended(before: Event, after: Event)
    /// Keep the JPEG of frame `frameSequence` (the frame just observed) as the event's snapshot,
    /// replacing the previous one.
    case saveSnapshot(eventID: String, frameSequence: UInt64)

    /// The message to publish for this action; nil for `saveSnapshot`.
    public var message: EventMessage? {
        switch self {
        case .started(let event): EventMessage(kind: .new, before: event, after: event)
        case .updated(let before, let after): EventMessage(kind: .update, before: before, after: after)
        case .ended(let before, let after): EventMessage(kind: .end, before: before, after: after)
        case .saveSnapshot: nil
        }
    }
}
