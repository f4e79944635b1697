import Foundation

/// How Vigil connects to an MQTT broker and what it publishes about its own availability.
///
/// Every field has a default, so `MQTTConfiguration(host: "broker.local")` is a working setup.
/// The value is `Sendable` and immutable once handed to an ``MQTTClient``. Its `description`
/// redacts the password, so it is safe to log.
public struct MQTTConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// The MQTT protocol revision spoken on the wire.
    public enum ProtocolVersion: Sendable, Equatable {
        /// MQTT 3.1.1 (the default): understood by every broker.
        case v311
        /// MQTT 5: reason codes on CONNACK and PUBACK.
        case v5
    }

    /// TLS settings; a configuration with `tls == nil` connects in plain TCP.
    public struct TLS: Sendable, Equatable {
        /// PEM file of the certificate authorities trusted for the broker's certificate;
        /// default nil: the operating system's trust store.
        public var caFile: String?
        /// PEM client certificate for mutual TLS; default nil (no client certificate).
        public var certFile: String?
        /// PEM private key of `certFile`; default nil. Must be unencrypted.
        public var keyFile: String?
        /// Skips the check that the broker's certificate names the host connected to; default false.
        /// The chain is still verified against `caFile`. Only for brokers addressed by an IP that the
        /// certificate does not list.
        public var insecure: Bool

        public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, insecure: Bool = false) {
            self.caFile = caFile
            self.certFile = certFile
            self.keyFile = keyFile
            self.insecure = insecure
        }
    }

    /// The broker's host name or IP address; default "localhost".
    public var host: String
    /// The broker's TCP port; default 1883 (8883 when `tls` is set through an `mqtts://` URL).
    public var port: Int
    /// MQTT revision; default ``ProtocolVersion/v311``.
    public var protocolVersion: ProtocolVersion
    /// Client identifier, unique per broker (a second client with the same id kicks the first off);
    /// default `vigil-<hostname>`.
    public var clientID: String
    /// User name for the broker; default nil (anonymous).
    public var username: String?
    /// Password for the broker; default nil. Never logged: `description` shows `***`.
    public var password: String?
    /// TLS settings; default nil (plain TCP). An `mqtts://` URL sets an empty ``TLS``.
    public var tls: TLS?
    /// Seconds between keep-alive pings; default 30. The broker declares the client gone (and
    /// publishes its last will) after 1.5 × this without traffic.
    public var keepAlive: Int
    /// QoS used by `publish` when the caller gives none; default 1 (at least once).
    public var defaultQoS: Int
    /// Retain flag used by `publish` when the caller gives none; default false.
    public var defaultRetain: Bool
    /// First segment of every Vigil topic; default "vigil". See ``MQTTTopics``.
    public var topicPrefix: String
    /// This instance's node id, the level under `<prefix>/nodes/` that holds its availability,
    /// report and events; default the host name's first label.
    public var node: String
    /// Messages the outbox holds (waiting or awaiting acknowledgement) before the oldest is dropped;
    /// default 10 000.
    public var outboxCapacity: Int
    /// QoS ≥ 1 messages handed to the broker but not yet acknowledged, at most; default 256.
    public var maxInFlight: Int
    /// Wait before the first reconnect attempt, in seconds; default 0.5. Doubles per failure.
    public var reconnectInitialDelay: Double
    /// Longest wait between reconnect attempts, in seconds; default 30.
    public var reconnectMaxDelay: Double
    /// Seconds a connection may take from TCP connect to CONNACK before it counts as failed; default 10.
    public var connectTimeout: Double
    /// Seconds `stop()` waits for queued QoS ≥ 1 messages to be acknowledged; default 2.
    public var flushTimeout: Double
    /// Publish `<prefix>/nodes/<node>/available` = `online` (retained, QoS 1) after every connect; default true.
    public var publishesBirth: Bool
    /// Register `<prefix>/nodes/<node>/available` = `offline` (retained, QoS 1) as the last will, and publish it
    /// on a clean `stop()`; default true.
    public var publishesWill: Bool
    /// Ask the broker to forget the session on every connect; default true. The outbox, not the
    /// broker session, makes publishing at-least-once; subscriptions are re-sent on every connect.
    public var cleanSession: Bool

    /// A configuration for `host`:`port`, every other field at its default.
    public init(
        host: String = "localhost",
        port: Int = 1883,
        protocolVersion: ProtocolVersion = .v311,
        clientID: String = MQTTConfiguration.defaultClientID,
        username: String? = nil,
        password: String? = nil,
        tls: TLS? = nil,
        keepAlive: Int = 30,
        defaultQoS: Int = 1,
        defaultRetain: Bool = false,
        topicPrefix: String = "vigil",
        node: String = MQTTConfiguration.defaultNode,
        outboxCapacity: Int = 10_000,
        maxInFlight: Int = 256,
        reconnectInitialDelay: Double = 0.5,
        reconnectMaxDelay: Double = 30,
        connectTimeout: Double = 10,
        flushTimeout: Double = 2,
        publishesBirth: Bool = true,
        publishesWill: Bool = true,
        cleanSession: Bool = true
    ) {
        self.host = host
        self.port = port
        self.protocolVersion = protocolVersion
        self.clientID = clientID
        self.username = username
        self.password = password
        self.tls = tls
        self.keepAlive = keepAlive
        self.defaultQoS = defaultQoS
        self.defaultRetain = defaultRetain
        self.topicPrefix = topicPrefix
        self.node = node
        self.outboxCapacity = outboxCapacity
        self.maxInFlight = maxInFlight
        self.reconnectInitialDelay = reconnectInitialDelay
        self.reconnectMaxDelay = reconnectMaxDelay
        self.connectTimeout = connectTimeout
        self.flushTimeout = flushTimeout
        self.publishesBirth = publishesBirth
        self.publishesWill = publishesWill
        self.cleanSession = cleanSession
    }

    /// `vigil-<hostname>`, the default client identifier.
    public static var defaultClientID: String { "vigil-\(ProcessInfo.processInfo.hostName)" }

    /// The host name's first label, the default node id.
    public static var defaultNode: String {
        ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "vigil"
    }

    /// The topics this configuration publishes under.
    public var topics: MQTTTopics { MQTTTopics(prefix: topicPrefix, node: node) }

    /// `host:port`, the broker's address as errors and logs name it.
    public var endpoint: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The broker URL with the password replaced by `***`, then the client id and protocol.
    public var description: String {
        let scheme = tls == nil ? "mqtt" : "mqtts"
        var credentials = ""
        if let username {
            credentials = username + (password == nil ? "" : ":***") + "@"
        } else if password != nil {
            credentials = ":***@"
        }
        let version = protocolVersion == .v5 ? "5" : "3.1.1"
        return "\(scheme)://\(credentials)\(endpoint) (client id \(clientID), MQTT \(version))"
    }
}

extension MQTTConfiguration: CustomDebugStringConvertible, CustomReflectable {
    /// The same redacted text as `description`, so `debugPrint` and string interpolation in
    /// debug contexts never show the password.
    public var debugDescription: String { description }

    /// A mirror with the password replaced by `***`, so `dump()` and test failure output are safe too.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "host": host, "port": port, "protocolVersion": protocolVersion, "clientID": clientID,
            "username": username as Any, "password": password == nil ? "nil" : "***", "tls": tls as Any,
            "keepAlive": keepAlive, "defaultQoS": defaultQoS, "defaultRetain": defaultRetain,
            "topicPrefix": topicPrefix, "node": node, "outboxCapacity": outboxCapacity, "maxInFlight": maxInFlight,
            "reconnectInitialDelay": reconnectInitialDelay, "reconnectMaxDelay": reconnectMaxDelay,
            "connectTimeout": connectTimeout, "flushTimeout": flushTimeout, "publishesBirth": publishesBirth,
            "publishesWill": publishesWill, "cleanSession": cleanSession,
        ], displayStyle: .struct)
    }
}
