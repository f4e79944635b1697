/// Why talking to an MQTT broker failed: names the broker (`host:port`) and the reason.
///
/// The reason comes from libmosquitto (`mosquitto_strerror`, `mosquitto_connack_string`,
/// `mosquitto_reason_string`) or the OS (`strerror`). Passwords never appear in it.
public struct MQTTError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is.
    public enum Code: Sendable, Equatable {
        /// The configuration cannot work (bad URL, unreadable TLS file, out-of-range option).
        case invalidConfiguration
        /// The TCP or TLS connection could not be made.
        case connectFailed
        /// The broker answered CONNACK with a refusal (bad credentials, banned client id...).
        case connectionRefused
        /// An established connection dropped (broker gone, keep-alive timeout, protocol error).
        case connectionLost
        /// A publish or subscribe was rejected by libmosquitto or the broker.
        case operationFailed
    }

    public let code: Code
    /// The broker as `host:port` (or the redacted URL for configuration errors).
    public let endpoint: String
    /// The reason in words.
    public let reason: String
    /// The libmosquitto error, CONNACK or MQTT 5 reason code behind `reason`, if any.
    public let underlyingCode: Int32?

    public init(_ code: Code, endpoint: String, _ reason: String, underlyingCode: Int32? = nil) {
        self.code = code
        self.endpoint = endpoint
        self.reason = reason
        self.underlyingCode = underlyingCode
    }

    public var description: String {
        let what: String
        switch code {
        case .invalidConfiguration: what = "invalid configuration"
        case .connectFailed: what = "cannot connect"
        case .connectionRefused: what = "connection refused"
        case .connectionLost: what = "connection lost"
        case .operationFailed: what = "operation failed"
        }
        return "MQTT broker \(endpoint): \(what): \(reason)"
    }
}
