import CMosquitto
import Foundation
import Logging

/// A message received on a subscribed topic.
public struct MQTTReceivedMessage: Sendable, Equatable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: Int
    /// True when the broker sent a stored retained message (on subscribe), not a live one.
    public var retain: Bool

    public init(topic: String, payload: [UInt8], qos: Int, retain: Bool) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }
}

/// Called for each message matching a subscription, on the client's network thread: return quickly
/// (hand heavy work to another queue), since publishing waits meanwhile.
public typealias MQTTMessageHandler = @Sendable (MQTTReceivedMessage) -> Void

/// An MQTT connection that keeps publishing through broker outages.
///
/// `publish` only appends to a bounded in-memory ``MQTTOutbox`` and wakes the client's own network
/// thread; it never waits for the network and never fails because the broker is away. The thread
/// connects, re-connects with exponential backoff (one log line per failed attempt), re-subscribes
/// and publishes the birth message after every connect, and keeps each QoS ≥ 1 message until the
/// broker acknowledges it, re-sending it on the next connection if the previous one dropped first
/// (at least once; duplicates are possible, losses are not, except by outbox overflow, which
/// drops the oldest message and counts it in ``MQTTStatus/dropped``).
///
/// Availability: `<prefix>/nodes/<node>/available` is `online` (retained) after every connect and `offline`
/// when the client disappears (the broker publishes the last will) *or* stops cleanly (`stop()`
/// publishes `offline` itself, since a clean DISCONNECT suppresses the will). Both can be turned
/// off in the configuration.
///
/// Thread-safe: every method may be called from any thread. Call `stop()` before dropping the
/// client; the network thread keeps it alive until then.
public final class MQTTClient: @unchecked Sendable {
    /// The configuration this client was made with.
    public let configuration: MQTTConfiguration
    let logger: Logger
    let wakeup: MQTTWakeup

    // Guarded by `lock`.
    private let lock = NSLock()
    private var outbox: MQTTOutbox
    private var connectionStatus = MQTTStatus()
    private var subscriptions: [Subscription] = []
    private var subscriptionsVersion = 0
    private var wakeSignalled = false
    private var runningLoop: MQTTNetworkLoop?

    struct Subscription {
        let filter: String
        let qos: Int
        let handler: MQTTMessageHandler
    }

    /// Creates a stopped client; throws when the configuration cannot work (see
    /// ``MQTTConfiguration/validate()``). Logs go to `logger` (label "vigil.mqtt" by default).
    public init(configuration: MQTTConfiguration, logger: Logger = Logger(label: "vigil.mqtt")) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.outbox = MQTTOutbox(capacity: configuration.outboxCapacity)
        self.wakeup = try MQTTWakeup(endpoint: configuration.endpoint)
        MosquittoLibrary.ensureInitialized()
    }

    /// Starts the network thread, which connects in the background; does nothing if running.
    public func start() {
        let loop: MQTTNetworkLoop? = lock.withLock {
            guard runningLoop == nil else { return nil }
            let loop = MQTTNetworkLoop(client: self)
            runningLoop = loop
            return loop
        }
        guard let loop else { return }
        logger.info("MQTT client starting", metadata: ["broker": "\(configuration)"])
        let thread = Thread { loop.run() }
        thread.name = "vigil-mqtt"
        thread.start()
    }

    /// Flushes, says goodbye and stops the network thread; blocks until it has.
    ///
    /// While connected: waits up to `configuration.flushTimeout` seconds for the outbox to empty
    /// (every QoS ≥ 1 message acknowledged), publishes `offline` to `<prefix>/nodes/<node>/available` (if
    /// `publishesWill`), sends DISCONNECT. Messages still queued stay in the outbox for a later
    /// `start()`. Waits at most `flushTimeout + connectTimeout + 5` seconds for the thread, which
    /// may be inside a blocking connect.
    public func stop() {
        guard let loop = lock.withLock({ () -> MQTTNetworkLoop? in
            defer { runningLoop = nil }
            return runningLoop
        }) else { return }
        wakeup.signal()
        let bound = configuration.flushTimeout + configuration.connectTimeout + 5
        if loop.finished.wait(timeout: .now() + bound) == .timedOut {
            logger.warning("MQTT network thread still busy \(bound) s after stop(); leaving it to finish on its own")
        }
    }

    /// Queues `payload` for `topic` and returns at once.
    ///
    /// `qos` and `retain` default to the configuration's. Throws only for a topic or QoS that can
    /// never be published (empty, wildcards, too long, QoS outside 0...2), never because of the
    /// broker's state.
    public func publish(topic: String, payload: [UInt8], qos: Int? = nil, retain: Bool? = nil) throws {
        try publish(MQTTMessage(topic: topic, payload: payload,
                                qos: qos ?? configuration.defaultQoS, retain: retain ?? configuration.defaultRetain))
    }

    /// Queues the UTF-8 bytes of `payload` for `topic`; see ``publish(topic:payload:qos:retain:)-([UInt8])``.
    public func publish(topic: String, payload: String, qos: Int? = nil, retain: Bool? = nil) throws {
        try publish(topic: topic, payload: Array(payload.utf8), qos: qos, retain: retain)
    }

    /// Queues `message` and returns at once; throws only for a message that can never be published.
    public func publish(_ message: MQTTMessage) throws {
        try validate(message)
        let (signal, victim, dropped) = lock.withLock {
            let victim = outbox.enqueue(message)
            defer { wakeSignalled = true }
            return (!wakeSignalled, victim, outbox.dropped)
        }
        if signal { wakeup.signal() }
        // The first overflow and every 1000th after it, not one line per dropped message.
        if let victim, dropped == 1 || dropped % 1000 == 0 {
            logger.warning("MQTT outbox full (\(configuration.outboxCapacity) messages): dropping the oldest",
                           metadata: ["topic": "\(victim.message.topic)", "dropped": "\(dropped)"])
        }
    }

    /// Subscribes `handler` to `topicFilter` (wildcards allowed), now if connected and again after
    /// every reconnect. Messages reach every handler whose filter matches.
    public func subscribe(_ topicFilter: String, qos: Int = 1, handler: @escaping MQTTMessageHandler) throws {
        guard (0...2).contains(qos) else {
            throw MQTTError(.operationFailed, endpoint: configuration.endpoint, "QoS \(qos) for '\(topicFilter)' is not 0, 1 or 2")
        }
        guard mosquitto_sub_topic_check(topicFilter) == Int32(MOSQ_ERR_SUCCESS.rawValue) else {
            throw MQTTError(.operationFailed, endpoint: configuration.endpoint, "'\(topicFilter)' is not a valid topic filter")
        }
        lock.withLock {
            subscriptions.append(Subscription(filter: topicFilter, qos: qos, handler: handler))
            subscriptionsVersion += 1
        }
        wakeup.signal()
    }

    /// A snapshot of the connection state and counters.
    public var status: MQTTStatus {
        lock.withLock {
            var snapshot = connectionStatus
            snapshot.queued = outbox.pendingCount
            snapshot.inFlight = outbox.inFlightCount
            snapshot.published = outbox.published
            snapshot.dropped = outbox.dropped
            return snapshot
        }
    }

    private func validate(_ message: MQTTMessage) throws {
        let endpoint = configuration.endpoint
        guard (0...2).contains(message.qos) else {
            throw MQTTError(.operationFailed, endpoint: endpoint, "QoS \(message.qos) for '\(message.topic)' is not 0, 1 or 2")
        }
        guard mosquitto_pub_topic_check(message.topic) == Int32(MOSQ_ERR_SUCCESS.rawValue),
              message.topic.utf8.count <= 65_535, !message.topic.contains("\u{0}") else {
            throw MQTTError(.operationFailed, endpoint: endpoint,
                            "'\(message.topic)' is not a valid topic to publish to (empty, wildcard or too long)")
        }
        guard message.payload.count <= 268_435_455 else {
            throw MQTTError(.operationFailed, endpoint: endpoint, "payload of \(message.payload.count) bytes is over MQTT's limit")
        }
    }
}

// The network thread's access to the guarded state; each call takes the lock briefly and never
// calls libmosquitto while holding it (libmosquitto may call back into the client synchronously).
extension MQTTClient {
    func isCurrent(_ loop: MQTTNetworkLoop) -> Bool { lock.withLock { runningLoop === loop } }

    func withOutbox<T>(_ body: (inout MQTTOutbox) -> T) -> T { lock.withLock { body(&outbox) } }

    func updateStatus(_ body: (inout MQTTStatus) -> Void) { lock.withLock { body(&connectionStatus) } }

    /// Clears the wake-up flag so that the next `publish` signals the thread again.
    func acknowledgeWakeup() { lock.withLock { wakeSignalled = false } }

    /// The subscriptions and their version (which changes whenever one is added).
    func currentSubscriptions() -> (version: Int, filters: [(filter: String, qos: Int)]) {
        lock.withLock { (subscriptionsVersion, subscriptions.map { ($0.filter, $0.qos) }) }
    }

    /// Delivers `message` to every matching handler, outside the lock.
    func dispatch(_ message: MQTTReceivedMessage) {
        let handlers = lock.withLock { subscriptions }.filter { subscription in
            var matches = false
            return mosquitto_topic_matches_sub(subscription.filter, message.topic, &matches)
                == Int32(MOSQ_ERR_SUCCESS.rawValue) && matches
        }.map(\.handler)
        for handler in handlers { handler(message) }
    }
}
