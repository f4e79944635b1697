import CMosquitto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-wide libmosquitto set-up and its error strings.
///
/// `mosquitto_lib_init` must run once before any handle is created; the static `let` runs it
/// exactly once, thread-safely, on first use. It is never cleaned up: handles may live until exit.
enum MosquittoLibrary {
    private static let initialized: Int32 = mosquitto_lib_init()

    /// Initialises libmosquitto if no one has yet.
    static func ensureInitialized() {
        _ = initialized
    }

    /// The words for a libmosquitto return code; for `MOSQ_ERR_ERRNO`, the OS error `osError`.
    static func describe(_ rc: Int32, osError: Int32 = 0) -> String {
        if rc == Int32(MOSQ_ERR_ERRNO.rawValue), osError != 0 {
            return String(cString: strerror(osError))
        }
        return String(cString: mosquitto_strerror(rc))
    }

    /// The words for a CONNACK refusal: MQTT 3.1.1 return codes and MQTT 5 reason codes differ.
    static func describeConnack(_ code: Int32, protocolVersion: MQTTConfiguration.ProtocolVersion) -> String {
        switch protocolVersion {
        case .v311: return String(cString: mosquitto_connack_string(code))
        case .v5: return String(cString: mosquitto_reason_string(code))
        }
    }

    /// True for return codes that mean the connection is gone rather than the request is wrong.
    static func isConnectionError(_ rc: Int32) -> Bool {
        [MOSQ_ERR_NO_CONN, MOSQ_ERR_CONN_LOST, MOSQ_ERR_ERRNO, MOSQ_ERR_KEEPALIVE, MOSQ_ERR_TLS, MOSQ_ERR_PROTOCOL]
            .map { Int32($0.rawValue) }.contains(rc)
    }
}
