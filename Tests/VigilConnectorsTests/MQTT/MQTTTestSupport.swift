import Foundation
import VigilConnectors
import VigilTestSupport
import XCTest

/// Helpers shared by the MQTT tests (a namespace, so other test folders can use the same names).
enum MQTTTest {
    /// Polls `condition` every 10 ms until it holds or `timeout` seconds pass; returns whether it
    /// held. A deadline, not a sleep: the test goes on as soon as the condition is met.
    @discardableResult
    static func waitUntil(timeout: Double = 30, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    /// A client configuration for a test broker on 127.0.0.1: unique client id, fast reconnects,
    /// keepAlive 5 s (libmosquitto's minimum).
    static func configuration(port: Int, prefix: String = "vigil") -> MQTTConfiguration {
        MQTTConfiguration(
            host: "127.0.0.1",
            port: port,
            clientID: "vigil-test-\(UUID().uuidString.prefix(8))",
            keepAlive: 5,
            topicPrefix: prefix,
            node: "test",
            reconnectInitialDelay: 0.05,
            reconnectMaxDelay: 0.5
        )
    }

    /// Skips the test, saying why, when the mosquitto broker or its clients are not installed.
    static func requireMosquitto() throws {
        try XCTSkipUnless(MosquittoBroker.isInstalled && MosquittoBroker.executable("mosquitto_sub") != nil,
                          "needs the Debian packages mosquitto and mosquitto-clients")
    }
}
