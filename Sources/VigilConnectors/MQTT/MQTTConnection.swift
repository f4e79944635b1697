import CMosquitto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a connection reports back to its owner, on the owner's (network) thread.
protocol MQTTConnectionEvents: AnyObject {
    /// The broker acknowledged `mid` (QoS ≥ 1) or libmosquitto wrote it (QoS 0).
    func connectionDidPublish(mid: Int32, reasonCode: Int32)
    /// A message arrived on a subscribed topic.
    func connectionDidReceive(_ message: MQTTReceivedMessage)
}

/// One libmosquitto handle for one connection attempt, used only on the client's network thread.
///
/// Each attempt gets a fresh handle, so libmosquitto never re-sends messages of a previous
/// connection on its own: the ``MQTTOutbox`` alone decides what is re-sent. The handle is not
/// thread-safe and never runs its own thread; the owner polls ``socket`` and calls the `loop*`
/// functions (libmosquitto's "external loop" mode).
final class MQTTConnection {
    let configuration: MQTTConfiguration
    private let handle: OpaquePointer
    private unowned let events: MQTTConnectionEvents

    /// The CONNACK return / reason code, set when the broker answers CONNECT.
    var connackCode: Int32?
    /// The libmosquitto code with which the connection ended, once it has.
    var disconnectCode: Int32?
    /// The last error libmosquitto logged (OpenSSL details of a TLS failure, for instance).
    var lastLoggedError: String?

    /// Creates and configures a handle: protocol version, credentials, last will, TLS, callbacks.
    init(configuration: MQTTConfiguration, events: MQTTConnectionEvents) throws(MQTTError) {
        MosquittoLibrary.ensureInitialized()
        self.configuration = configuration
        self.events = events
        guard let handle = mosquitto_new(configuration.clientID, configuration.cleanSession, nil) else {
            throw MQTTError(.invalidConfiguration, endpoint: configuration.endpoint,
                            "cannot create a libmosquitto client: \(String(cString: strerror(errno)))")
        }
        self.handle = handle
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        installCallbacks(on: handle)
        try configure()
    }

    deinit {
        mosquitto_destroy(handle)
    }

    /// The socket to poll, or -1 when closed.
    var socket: Int32 { mosquitto_socket(handle) }
    /// True when libmosquitto has bytes waiting to be written.
    var wantsWrite: Bool { mosquitto_want_write(handle) }

    /// Opens the TCP (and TLS) connection and sends CONNECT. Blocks this thread for DNS, TCP and
    /// the TLS handshake; the CONNACK arrives later through ``loopRead()``.
    func connect() throws(MQTTError) {
        let rc = mosquitto_connect(handle, configuration.host, Int32(configuration.port), Int32(configuration.keepAlive))
        let osError = errno
        guard rc != Int32(MOSQ_ERR_SUCCESS.rawValue) else { return }
        var reason = MosquittoLibrary.describe(rc, osError: osError)
        if let detail = lastLoggedError { reason += " (\(detail))" }
        throw MQTTError(.connectFailed, endpoint: configuration.endpoint, reason, underlyingCode: rc)
    }

    /// Reads and handles whatever arrived; returns the libmosquitto code.
    @discardableResult
    func loopRead() -> Int32 { mosquitto_loop_read(handle, 1) }
    /// Writes what is queued; returns the libmosquitto code.
    @discardableResult
    func loopWrite() -> Int32 { mosquitto_loop_write(handle, 1) }
    /// Keep-alive pings and their timeout; returns the libmosquitto code.
    @discardableResult
    func loopMisc() -> Int32 { mosquitto_loop_misc(handle) }

    /// Queues a PUBLISH; returns its message id or the libmosquitto error code.
    func publish(_ message: MQTTMessage) -> Result<Int32, MQTTError> {
        var mid: Int32 = 0
        let rc = message.payload.withUnsafeBytes { bytes in
            mosquitto_publish(handle, &mid, message.topic, Int32(bytes.count), bytes.baseAddress,
                              Int32(message.qos), message.retain)
        }
        guard rc == Int32(MOSQ_ERR_SUCCESS.rawValue) else {
            return .failure(MQTTError(.operationFailed, endpoint: configuration.endpoint,
                                      "publish to '\(message.topic)': \(MosquittoLibrary.describe(rc, osError: errno))",
                                      underlyingCode: rc))
        }
        return .success(mid)
    }

    /// Queues a SUBSCRIBE for `filter`.
    func subscribe(_ filter: String, qos: Int) -> MQTTError? {
        let rc = mosquitto_subscribe(handle, nil, filter, Int32(qos))
        guard rc == Int32(MOSQ_ERR_SUCCESS.rawValue) else {
            return MQTTError(.operationFailed, endpoint: configuration.endpoint,
                             "subscribe to '\(filter)': \(MosquittoLibrary.describe(rc, osError: errno))", underlyingCode: rc)
        }
        return nil
    }

    /// Sends DISCONNECT (which makes the broker discard the last will).
    func disconnect() {
        mosquitto_disconnect(handle)
    }

    /// Forwards a received message (called from the C callback).
    func didReceive(_ message: MQTTReceivedMessage) { events.connectionDidReceive(message) }
    /// Forwards an acknowledgement (called from the C callback).
    func didPublish(mid: Int32, reasonCode: Int32) { events.connectionDidPublish(mid: mid, reasonCode: reasonCode) }

    private func configure() throws(MQTTError) {
        let config = configuration
        func check(_ rc: Int32, _ what: String) throws(MQTTError) {
            guard rc != Int32(MOSQ_ERR_SUCCESS.rawValue) else { return }
            throw MQTTError(.invalidConfiguration, endpoint: config.endpoint,
                            "\(what): \(MosquittoLibrary.describe(rc, osError: errno))", underlyingCode: rc)
        }
        let version = config.protocolVersion == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311
        try check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, version), "protocol version")
        if config.username != nil || config.password != nil {
            // The password goes to libmosquitto only; the message names the user, never the password.
            try check(mosquitto_username_pw_set(handle, config.username, config.password),
                      "credentials for user '\(config.username ?? "")'")
        }
        if config.publishesWill {
            let topic = config.topics.availability
            try check(mosquitto_will_set(handle, topic, 7, "offline", 1, true), "last will on '\(topic)'")
        }
        if let tls = config.tls {
            if tls.caFile == nil {
                try check(mosquitto_int_option(handle, MOSQ_OPT_TLS_USE_OS_CERTS, 1), "TLS with the system trust store")
            }
            if tls.caFile != nil || tls.certFile != nil {
                try check(mosquitto_tls_set(handle, tls.caFile, nil, tls.certFile, tls.keyFile, nil),
                          "TLS files (ca \(tls.caFile ?? "-"), cert \(tls.certFile ?? "-"), key \(tls.keyFile ?? "-"))")
            }
            if tls.insecure {
                try check(mosquitto_tls_insecure_set(handle, true), "TLS insecure mode")
            }
        }
    }
}
