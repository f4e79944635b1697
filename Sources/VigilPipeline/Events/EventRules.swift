import Foundation

/// What makes an event on one camera: which labels, how sure, for how long, and where.
///
/// Defaults: every label, probability at least 0.5, two consecutive scored frames to start,
/// five seconds without a match to end, no zones, no cooldown, snapshots kept.
public struct EventRules: Sendable, Equatable {
    /// Labels (tag names) that make events; empty means every label. Default empty.
    public var labels: Set<String>
    /// A prediction below this probability is ignored. Default 0.5.
    public var minProbability: Double
    /// Consecutive scored frames with a match needed to start an event (debounce); values below 1
    /// count as 1. Default 2.
    public var minConsecutiveFrames: Int
    /// Seconds without a match after which an active event ends. Default 5.
    public var quietTime: TimeInterval
    /// Zones; when there are any, a detection counts only if its box's bottom-centre is in one of
    /// them, and predictions without a box (classification) never count. When there are none,
    /// every prediction counts wherever it is. Default none.
    public var zones: [EventZone]
    /// Seconds after an event ends, counted from the frame that ended it, during which no new
    /// event of the same label may start; matches in that time are not counted towards the
    /// debounce either. Default 0.
    public var cooldown: TimeInterval
    /// Ask the caller to keep a snapshot of each event's best frame (`saveSnapshot` actions and
    /// `hasSnapshot`). Default true.
    public var snapshots: Bool

    public init(labels: Set<String> = [], minProbability: Double = 0.5, minConsecutiveFrames: Int = 2,
                quietTime: TimeInterval = 5, zones: [EventZone] = [], cooldown: TimeInterval = 0, snapshots: Bool = true) {
        self.labels = labels
        self.minProbability = minProbability
        self.minConsecutiveFrames = minConsecutiveFrames
        self.quietTime = quietTime
        self.zones = zones
        self.cooldown = cooldown
        self.snapshots = snapshots
    }
}
