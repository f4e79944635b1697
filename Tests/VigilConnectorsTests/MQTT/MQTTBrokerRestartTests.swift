import Foundation
import VigilConnectors
import VigilTestSupport
import XCTest

/// At-least-once delivery through a broker crash: SIGKILL mid-stream, restart on the same port.
final class MQTTBrokerRestartTests: XCTestCase {
    func test_brokerKilledAndRestarted_midStream_noMessageLost() throws {
        try MQTTTest.requireMosquitto()
        let broker = try MosquittoBroker()
        try broker.start()
        // A durable session (-c -i) on a broker with persistence: once the broker has saved it,
        // messages for the subscriber are queued even while it is still reconnecting.
        let subscriber = try MosquittoSubscriber(port: broker.port, topics: ["vigil/cam1/seq"],
                                                 clientID: "vigil-test-sub-\(UUID().uuidString.prefix(8))", durable: true)
        defer { subscriber.stop() }
        try subscriber.waitUntilSubscribed()
        XCTAssertTrue(MQTTTest.waitUntil { FileManager.default.fileExists(atPath: broker.persistenceURL.path) },
                      "the broker saved no persistence file:\n\(broker.log)")

        let logs = MQTTTestLogs()
        let client = try MQTTClient(configuration: MQTTTest.configuration(port: broker.port), logger: logs.logger)
        client.start()
        defer { client.stop() }
        XCTAssertTrue(MQTTTest.waitUntil { client.status.isConnected })

        let total = 2000, killAt = 500, restartAt = 1000
        for n in 0..<total {
            try client.publish(topic: "vigil/cam1/seq", payload: "\(n)", qos: 1)
            if n == killAt {
                broker.kill()
                XCTAssertTrue(MQTTTest.waitUntil { !client.status.isConnected }, "the client did not notice the broker vanish")
            }
            if n == restartAt {
                try broker.start()
            }
            usleep(500)  // a steady camera-like pace, not a wait for anything
        }

        let allArrived = subscriber.wait(timeout: 60) { messages in Set(messages.map(\.payload)).count >= total }
        let received = subscriber.messages.map(\.payload)
        let missing = Set((0..<total).map(String.init)).subtracting(received)
        XCTAssertTrue(allArrived, "missing \(missing.count): \(missing.sorted { Int($0)! < Int($1)! }.prefix(20))")
        XCTAssertTrue(missing.isEmpty)
        XCTAssertTrue(MQTTTest.waitUntil { client.status.published == total }, "\(client.status)")
        let status = client.status
        XCTAssertEqual(status.dropped, 0)
        XCTAssertGreaterThanOrEqual(status.reconnects, 1)
        XCTAssertTrue(logs.lines.contains { $0.contains("MQTT connect failed") || $0.contains("connection lost") })
        print("broker restart: \(received.count) messages received for \(total) sent, \(received.count - Set(received).count) duplicates; \(status)")
    }
}
