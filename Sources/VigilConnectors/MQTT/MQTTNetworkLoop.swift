import CMosquitto
import Dispatch
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The network thread of one `MQTTClient.start()`: connects, reconnects with backoff, pumps the
/// outbox into the connection and reads the broker, until `stop()`.
///
/// Everything here runs on that one thread (hence `@unchecked Sendable`: the instance is handed
/// to the thread once and touched nowhere else). It polls the libmosquitto socket and the client's
/// wake-up pipe together, so a `publish` from any thread is sent at once without that thread
/// doing any I/O. Shared state lives in the client behind its lock.
final class MQTTNetworkLoop: MQTTConnectionEvents, @unchecked Sendable {
    /// Signalled when `run()` returns.
    let finished = DispatchSemaphore(value: 0)

    private let client: MQTTClient
    private let configuration: MQTTConfiguration
    private var logger: Logger { client.logger }
    private var connection: MQTTConnection?
    private var sessionActive = false
    private var connectStartedAt = 0.0
    private var nextAttemptAt = 0.0
    private var backoff: MQTTReconnectBackoff
    private var subscribedVersion = -1
    private var subscribedFilters: Set<String> = []
    private var goodbyeMID: Int32?
    private var goodbyeAcknowledged = false

    /// Messages handed to libmosquitto per round before the socket is read again.
    private static let sendBudget = 500

    init(client: MQTTClient) {
        self.client = client
        self.configuration = client.configuration
        self.backoff = MQTTReconnectBackoff(initialDelay: client.configuration.reconnectInitialDelay,
                                            maxDelay: client.configuration.reconnectMaxDelay)
    }

    /// Runs until the client stops (or starts a newer loop).
    func run() {
        defer { finished.signal() }
        while client.isCurrent(self) {
            if connection != nil {
                service(timeout: 1)
            } else if Self.now() >= nextAttemptAt {
                attemptConnect()
            } else {
                waitForWakeup(until: nextAttemptAt)
            }
        }
        shutDown()
    }

    // MARK: Connection life cycle

    private func attemptConnect() {
        do {
            let attempt = try MQTTConnection(configuration: configuration, events: self)
            try attempt.connect()
            connection = attempt
            sessionActive = false
            connectStartedAt = Self.now()
        } catch {
            attemptFailed(error)
        }
    }

    private func attemptFailed(_ error: MQTTError) {
        connection = nil
        sessionActive = false
        client.withOutbox { $0.connectionLost() }
        client.updateStatus {
            $0.isConnected = false
            $0.failedAttempts += 1
            $0.lastError = error
        }
        nextAttemptAt = backoff.failed(at: Self.now())
        logger.warning("MQTT connect failed: \(error); attempt \(backoff.consecutiveFailures), retrying in \(backoff.currentDelay) s")
    }

    private func sessionStarted(_ connection: MQTTConnection) {
        sessionActive = true
        backoff.connected()
        subscribedVersion = -1
        subscribedFilters = []
        var connections = 0
        client.updateStatus {
            $0.isConnected = true
            $0.connections += 1
            connections = $0.connections
        }
        logger.info("MQTT connected to \(configuration.endpoint)", metadata: ["connections": "\(connections)"])
        if configuration.publishesBirth {
            let birth = MQTTMessage(topic: configuration.topics.availability, payload: Array("online".utf8), qos: 1, retain: true)
            if case .failure(let error) = connection.publish(birth) {
                logger.warning("MQTT birth message not sent: \(error)")
            }
        }
    }

    private func connectionEnded(_ connection: MQTTConnection) {
        var reason = connection.disconnectCode.map { MosquittoLibrary.describe($0, osError: errno) } ?? "socket closed"
        if let detail = connection.lastLoggedError { reason += " (\(detail))" }
        guard sessionActive else {
            attemptFailed(MQTTError(.connectFailed, endpoint: configuration.endpoint, reason, underlyingCode: connection.disconnectCode))
            return
        }
        let error = MQTTError(.connectionLost, endpoint: configuration.endpoint, reason, underlyingCode: connection.disconnectCode)
        self.connection = nil
        sessionActive = false
        client.withOutbox { $0.connectionLost() }
        client.updateStatus {
            $0.isConnected = false
            $0.lastError = error
        }
        nextAttemptAt = backoff.failed(at: Self.now())
        logger.warning("MQTT \(error); reconnecting in \(backoff.currentDelay) s")
    }

    /// Checks what libmosquitto reported during the last calls: CONNACK, disconnection, timeout.
    private func review(_ connection: MQTTConnection) {
        if let code = connection.connackCode {
            connection.connackCode = nil
            guard code == 0 else {
                let reason = MosquittoLibrary.describeConnack(code, protocolVersion: configuration.protocolVersion)
                attemptFailed(MQTTError(.connectionRefused, endpoint: configuration.endpoint, reason, underlyingCode: code))
                return
            }
            sessionStarted(connection)
        }
        if connection.disconnectCode != nil || connection.socket < 0 {
            connectionEnded(connection)
        } else if !sessionActive, Self.now() - connectStartedAt > configuration.connectTimeout {
            attemptFailed(MQTTError(.connectFailed, endpoint: configuration.endpoint,
                                    "no CONNACK within \(configuration.connectTimeout) s"))
        }
    }

    // MARK: I/O

    /// One round: subscribe and send what is due, wait for the socket or a wake-up (at most
    /// `timeout` seconds), read and write, keep-alive.
    private func service(timeout: Double) {
        guard let connection else { return }
        var timeout = timeout
        if sessionActive {
            resubscribeIfNeeded(connection)
            if sendPending(connection) { timeout = 0 }
        }
        let socket = connection.socket
        guard socket >= 0 else { return review(connection) }
        var descriptors = [
            pollfd(fd: socket, events: Int16(POLLIN) | (connection.wantsWrite ? Int16(POLLOUT) : 0), revents: 0),
            pollfd(fd: client.wakeup.readDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        _ = poll(&descriptors, 2, Int32((timeout * 1000).rounded(.up)))
        if descriptors[1].revents != 0 {
            client.wakeup.drain()
            client.acknowledgeWakeup()
        }
        let events = descriptors[0].revents
        if events & Int16(POLLIN | POLLERR | POLLHUP) != 0 { connection.loopRead() }
        if connection.socket >= 0, events & Int16(POLLOUT) != 0 { connection.loopWrite() }
        if connection.socket >= 0 { connection.loopMisc() }
        review(connection)
    }

    /// Hands pending messages to libmosquitto; returns true if the budget ran out with more waiting.
    private func sendPending(_ connection: MQTTConnection) -> Bool {
        for _ in 0..<Self.sendBudget {
            guard let entry = client.withOutbox({ $0.next(maxInFlight: configuration.maxInFlight) }) else { return false }
            switch connection.publish(entry.message) {
            case .success(let mid):
                client.withOutbox { $0.handedOver(entry, mid: mid) }
            case .failure(let error) where MosquittoLibrary.isConnectionError(error.underlyingCode ?? 0):
                client.withOutbox { $0.handOverFailed(entry) }
                return false
            case .failure(let error):
                client.withOutbox { $0.discard(entry) }
                logger.error("MQTT message dropped: \(error)")
            }
        }
        return true
    }

    private func resubscribeIfNeeded(_ connection: MQTTConnection) {
        let (version, filters) = client.currentSubscriptions()
        guard version != subscribedVersion else { return }
        for (filter, qos) in filters where !subscribedFilters.contains(filter) {
            if let error = connection.subscribe(filter, qos: qos) {
                logger.warning("MQTT \(error)")
                return  // retried next round (or after the reconnect this error announces)
            }
            subscribedFilters.insert(filter)
        }
        subscribedVersion = version
    }

    private func waitForWakeup(until deadline: Double) {
        let milliseconds = min(1000, max(0, (deadline - Self.now()) * 1000))
        var descriptor = pollfd(fd: client.wakeup.readDescriptor, events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, Int32(milliseconds.rounded(.up))) > 0 {
            client.wakeup.drain()
            client.acknowledgeWakeup()
        }
    }

    // MARK: Stopping

    /// Flushes the outbox (bounded by `flushTimeout`), publishes `offline`, disconnects.
    private func shutDown() {
        defer {
            connection = nil
            sessionActive = false
            client.withOutbox { $0.connectionLost() }
            client.updateStatus { $0.isConnected = false }
            logger.info("MQTT client stopped", metadata: ["broker": "\(configuration.endpoint)"])
        }
        guard connection != nil, sessionActive else { return }
        let flushDeadline = Self.now() + configuration.flushTimeout
        while connection != nil, sessionActive, !client.withOutbox({ $0.isEmpty }), Self.now() < flushDeadline {
            service(timeout: min(0.1, max(0, flushDeadline - Self.now())))
        }
        guard let connection, sessionActive else { return }
        if configuration.publishesWill {
            let goodbye = MQTTMessage(topic: configuration.topics.availability, payload: Array("offline".utf8), qos: 1, retain: true)
            if case .success(let mid) = connection.publish(goodbye) {
                goodbyeMID = mid
                let deadline = max(flushDeadline, Self.now() + 1)
                while self.connection != nil, !goodbyeAcknowledged, Self.now() < deadline {
                    service(timeout: 0.1)
                }
            }
        }
        guard self.connection != nil else { return }
        connection.disconnect()
        let deadline = Self.now() + 1
        while connection.socket >= 0, connection.wantsWrite, Self.now() < deadline {
            var descriptor = pollfd(fd: connection.socket, events: Int16(POLLOUT), revents: 0)
            _ = poll(&descriptor, 1, 100)
            connection.loopWrite()
        }
    }

    // MARK: MQTTConnectionEvents

    func connectionDidPublish(mid: Int32, reasonCode: Int32) {
        if mid == goodbyeMID {
            goodbyeAcknowledged = true
            return
        }
        client.withOutbox { _ = $0.acknowledge(mid: mid) }
        if reasonCode >= 0x80 {
            logger.warning("MQTT broker \(configuration.endpoint) rejected message \(mid): \(String(cString: mosquitto_reason_string(reasonCode)))")
        }
    }

    func connectionDidReceive(_ message: MQTTReceivedMessage) {
        client.dispatch(message)
    }

    /// Monotonic seconds.
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
