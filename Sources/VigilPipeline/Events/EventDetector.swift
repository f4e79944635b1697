import Foundation
import VigilCore

/// Turns one camera's scored frames into events: a value-type state machine that returns actions.
///
/// Each call takes the frame's time, so the detector does no I/O and reads no clock; the caller
/// carries the actions out (publish, store, keep a JPEG). There is at most one active event per
/// label. A label's event starts when `rules.minConsecutiveFrames` scored frames in a row match
/// (`start` is the first of them), and ends at the first scored frame or `tick` at least
/// `rules.quietTime` after its last match that has no match of its own (`end` is the last match).
/// Not thread-safe by itself: keep it in one task or actor per camera.
public struct EventDetector: Sendable {
    /// Where one label stands: counting towards a start, active, or cooling down.
    struct LabelState: Sendable {
        /// Consecutive matching frames while no event is active.
        var streak = 0
        var streakStart: Date?
        var streakZones: [String] = []
        var active: Event?
        var lastMatch: Date?
        var cooldownUntil: Date?
    }

    /// The camera whose events these are.
    public let camera: String
    public let rules: EventRules
    private var ids: EventIDGenerator
    private var states: [String: LabelState] = [:]

    public init(camera: String, rules: EventRules = EventRules(), ids: EventIDGenerator = .random) {
        self.camera = camera
        self.rules = rules
        self.ids = ids
    }

    /// Active events, by label.
    public var activeEvents: [Event] {
        states.keys.sorted().compactMap { states[$0]?.active }
    }

    /// Takes the predictions of one scored frame; `frameSequence` names the frame in `saveSnapshot`.
    public mutating func observe(_ predictions: [Prediction], frameSequence: UInt64, at time: Date) -> [EventAction] {
        let found = matches(in: predictions)
        var actions: [EventAction] = []
        for label in states.keys.sorted() where found[label] == nil {
            states[label]!.streak = 0
            states[label]!.streakStart = nil
            states[label]!.streakZones = []
            actions += endIfQuiet(label, at: time)
        }
        for label in found.keys.sorted() {
            actions += match(found[label]!, label: label, frameSequence: frameSequence, at: time)
        }
        forgetIdleLabels(at: time)
        return actions
    }

    /// Ends the events whose quiet time has passed without a frame saying so (a stalled camera).
    /// Does not count as a scored frame: debounce streaks are left as they are.
    public mutating func tick(at time: Date) -> [EventAction] {
        var actions: [EventAction] = []
        for label in states.keys.sorted() {
            actions += endIfQuiet(label, at: time)
        }
        forgetIdleLabels(at: time)
        return actions
    }

    /// Ends every active event now (the camera stops); cooldowns start at `time`.
    public mutating func endAll(at time: Date) -> [EventAction] {
        var actions: [EventAction] = []
        for label in states.keys.sorted() where states[label]?.active != nil {
            actions.append(end(label, at: time))
        }
        return actions
    }

    /// Records that a clip is being written for an active event; `updated` if that is news.
    public mutating func clipStarted(eventID: String) -> [EventAction] {
        guard let label = states.first(where: { $0.value.active?.id == eventID })?.key,
              let before = states[label]?.active, !before.hasClip else { return [] }
        var after = before
        after.hasClip = true
        states[label]!.active = after
        return [.updated(before: before, after: after)]
    }

    private mutating func match(_ found: Match, label: String, frameSequence: UInt64, at time: Date) -> [EventAction] {
        var state = states[label] ?? LabelState()
        defer { states[label] = state }
        if let before = state.active {
            state.lastMatch = time
            var after = before
            let better = found.best.probability > before.topScore
            if better {
                after.topScore = found.best.probability
                after.box = found.best.boundingBox
            }
            after.zones += found.zones.filter { !after.zones.contains($0) }
            state.active = after
            var actions: [EventAction] = []
            if after != before { actions.append(.updated(before: before, after: after)) }
            if better && rules.snapshots { actions.append(.saveSnapshot(eventID: after.id, frameSequence: frameSequence)) }
            return actions
        }
        if let until = state.cooldownUntil, time < until {
            state.streak = 0
            return []
        }
        state.cooldownUntil = nil
        state.streak += 1
        if state.streak == 1 { state.streakStart = time }
        state.streakZones += found.zones.filter { !state.streakZones.contains($0) }
        guard state.streak >= max(1, rules.minConsecutiveFrames) else { return [] }
        let start = state.streakStart ?? time
        let event = Event(id: ids.next(at: start), camera: camera, label: label, topScore: found.best.probability,
                          box: found.best.boundingBox, zones: state.streakZones, start: start, hasSnapshot: rules.snapshots)
        state.active = event
        state.lastMatch = time
        state.streak = 0
        state.streakStart = nil
        state.streakZones = []
        var actions: [EventAction] = [.started(event)]
        if rules.snapshots { actions.append(.saveSnapshot(eventID: event.id, frameSequence: frameSequence)) }
        return actions
    }

    private mutating func endIfQuiet(_ label: String, at time: Date) -> [EventAction] {
        guard let state = states[label], state.active != nil, let last = state.lastMatch,
              time.timeIntervalSince(last) >= rules.quietTime else { return [] }
        return [end(label, at: time)]
    }

    private mutating func end(_ label: String, at time: Date) -> EventAction {
        let before = states[label]!.active!
        var after = before
        after.end = states[label]!.lastMatch ?? time
        states[label]!.active = nil
        states[label]!.lastMatch = nil
        states[label]!.cooldownUntil = rules.cooldown > 0 ? time.addingTimeInterval(rules.cooldown) : nil
        return .ended(before: before, after: after)
    }

    /// Drops labels with no streak, no active event and no cooldown left, so the state stays small.
    private mutating func forgetIdleLabels(at time: Date) {
        func isIdle(_ state: LabelState) -> Bool {
            state.streak == 0 && state.active == nil && (state.cooldownUntil.map { time >= $0 } ?? true)
        }
        guard states.values.contains(where: isIdle) else { return }
        states = states.filter { !isIdle($0.value) }
    }
}
