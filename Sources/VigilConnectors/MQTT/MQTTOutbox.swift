/// One application message to publish.
public struct MQTTMessage: Sendable, Equatable {
    public var topic: String
    public var payload: [UInt8]
    /// 0 (at most once), 1 (at least once) or 2 (exactly once between client and broker).
    public var qos: Int
    public var retain: Bool

    public init(topic: String, payload: [UInt8], qos: Int, retain: Bool) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }
}

/// The bounded, ordered queue of messages between `publish` and the broker's acknowledgement.
///
/// A value type with no I/O: the client's network thread asks it what to send next and tells it
/// what the broker acknowledged. A message is *pending* until handed to libmosquitto, then
/// *in flight* until its PUBACK/PUBCOMP arrives (QoS ≥ 1) or until the hand-over (QoS 0). When the
/// connection drops, in-flight messages go back to the front of the pending queue in their original
/// order, so they are re-sent after the reconnect (at least once; a duplicate is possible when the
/// broker received a message but its acknowledgement was lost).
///
/// At most `capacity` messages are held. A new message beyond that drops the oldest pending one
/// (or, if every message is in flight, the oldest in flight), counted in `dropped`.
public struct MQTTOutbox: Sendable {
    /// A message with its place in the publish order.
    public struct Entry: Sendable, Equatable {
        /// Publish order, from 0; unique for the life of the outbox.
        public let sequence: UInt64
        public let message: MQTTMessage
    }

    public let capacity: Int
    /// Messages dropped because the outbox was full.
    public private(set) var dropped: Int = 0
    /// Messages done with: QoS 0 handed to the socket layer, QoS ≥ 1 acknowledged by the broker.
    public private(set) var published: Int = 0

    private var pending: [Entry] = []
    private var pendingHead = 0
    private var inFlight: [UInt64: Entry] = [:]
    private var sequenceByMID: [Int32: UInt64] = [:]
    private var nextSequence: UInt64 = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "outbox capacity must be positive")
        self.capacity = capacity
    }

    /// Messages waiting to be handed to libmosquitto.
    public var pendingCount: Int { pending.count - pendingHead }
    /// Messages handed over and not yet acknowledged.
    public var inFlightCount: Int { inFlight.count }
    /// Every message held.
    public var count: Int { pendingCount + inFlightCount }
    /// True when nothing is pending or in flight.
    public var isEmpty: Bool { count == 0 }

    /// Appends `message`; when full, first drops the oldest message. Returns the dropped one.
    @discardableResult
    public mutating func enqueue(_ message: MQTTMessage) -> Entry? {
        var victim: Entry?
        if count >= capacity {
            victim = dropOldest()
            dropped += 1
        }
        pending.append(Entry(sequence: nextSequence, message: message))
        nextSequence += 1
        return victim
    }

    /// Takes the oldest pending message to hand to libmosquitto, or nil when none is pending or
    /// `maxInFlight` QoS ≥ 1 messages already await acknowledgement. Report the outcome with
    /// ``handedOver(_:mid:)`` or ``handOverFailed(_:)``.
    public mutating func next(maxInFlight: Int) -> Entry? {
        guard pendingCount > 0, inFlight.count < maxInFlight else { return nil }
        let entry = pending[pendingHead]
        pendingHead += 1
        compactIfNeeded()
        inFlight[entry.sequence] = entry
        return entry
    }

    /// Records that libmosquitto accepted `entry` under message id `mid`. QoS 0 is then done.
    public mutating func handedOver(_ entry: Entry, mid: Int32) {
        guard inFlight[entry.sequence] != nil else { return }  // dropped meanwhile
        if entry.message.qos == 0 {
            inFlight[entry.sequence] = nil
            published += 1
        } else {
            sequenceByMID[mid] = entry.sequence
        }
    }

    /// Puts `entry` back at the front of the queue (libmosquitto refused it, e.g. not connected).
    public mutating func handOverFailed(_ entry: Entry) {
        guard inFlight.removeValue(forKey: entry.sequence) != nil else { return }
        prepend([entry])
    }

    /// Gives up on `entry` for good (libmosquitto rejects it, so re-sending cannot help); counted
    /// in `dropped`.
    public mutating func discard(_ entry: Entry) {
        guard inFlight.removeValue(forKey: entry.sequence) != nil else { return }
        dropped += 1
    }

    /// Records the broker's acknowledgement of `mid`; returns false for an unknown id.
    @discardableResult
    public mutating func acknowledge(mid: Int32) -> Bool {
        guard let sequence = sequenceByMID.removeValue(forKey: mid) else { return false }
        guard inFlight.removeValue(forKey: sequence) != nil else { return false }
        published += 1
        return true
    }

    /// Returns every in-flight message to the front of the queue, oldest first, for re-sending on
    /// the next connection (message ids belong to a connection and are forgotten).
    public mutating func connectionLost() {
        let returning = inFlight.values.sorted { $0.sequence < $1.sequence }
        inFlight.removeAll()
        sequenceByMID.removeAll()
        prepend(returning)
    }

    /// The messages held, oldest first (pending and in flight), for inspection and tests.
    public var entries: [Entry] {
        (Array(inFlight.values) + pending[pendingHead...]).sorted { $0.sequence < $1.sequence }
    }

    private mutating func dropOldest() -> Entry? {
        if pendingCount > 0 {
            let victim = pending[pendingHead]
            pendingHead += 1
            compactIfNeeded()
            return victim
        }
        guard let oldest = inFlight.keys.min() else { return nil }
        let victim = inFlight.removeValue(forKey: oldest)
        if let mid = sequenceByMID.first(where: { $0.value == oldest })?.key {
            sequenceByMID[mid] = nil
        }
        return victim
    }

    private mutating func prepend(_ entries: [Entry]) {
        guard !entries.isEmpty else { return }
        if pendingHead >= entries.count {
            pendingHead -= entries.count
            pending.replaceSubrange(pendingHead..<(pendingHead + entries.count), with: entries)
        } else {
            pending = entries + pending[pendingHead...]
            pendingHead = 0
        }
    }

    private mutating func compactIfNeeded() {
        if pendingHead == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingHead = 0
        } else if pendingHead > 1024 && pendingHead * 2 > pending.count {
            pending.removeFirst(pendingHead)
            pendingHead = 0
        }
    }
}
