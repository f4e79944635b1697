/// A snapshot of an ``MQTTClient``: connection state and message counters.
public struct MQTTStatus: Sendable, Equatable {
    /// True between an accepted CONNACK and the loss of that connection.
    public var isConnected = false
    /// The most recent failure (kept after a later successful connect, for diagnosis).
    public var lastError: MQTTError?
    /// Connections the broker accepted since the client was created.
    public var connections = 0
    /// Connection attempts that failed (TCP, TLS, CONNACK refusal or timeout).
    public var failedAttempts = 0
    /// Messages waiting in the outbox to be handed to the broker.
    public var queued = 0
    /// Messages handed to the broker and not yet acknowledged.
    public var inFlight = 0
    /// Messages done with: QoS ≥ 1 acknowledged by the broker, QoS 0 written to the connection.
    public var published = 0
    /// Messages dropped because the outbox was full (or the broker rejected them outright).
    public var dropped = 0

    /// Connections after the first one.
    public var reconnects: Int { max(0, connections - 1) }

    public init() {}
}
