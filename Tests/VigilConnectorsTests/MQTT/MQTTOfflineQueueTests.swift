import Foundation
import VigilConnectors
import VigilTestSupport
import XCTest

/// The bounded outbox while no broker is reachable: overflow drops the oldest, the rest arrive in order.
final class MQTTOfflineQueueTests: XCTestCase {
    func test_noBroker_overflowDropsOldest_thenNewestArriveInOrder() throws {
        try MQTTTest.requireMosquitto()
        let broker = try MosquittoBroker()
        try broker.start()
        // Register a durable subscriber session, then take the broker down cleanly (it saves the
        // session), so messages reach the subscriber whichever of the two reconnects first.
        let subscriber = try MosquittoSubscriber(port: broker.port, topics: ["vigil/cam1/seq"],
                                                 clientID: "vigil-test-sub-\(UUID().uuidString.prefix(8))", durable: true)
        defer { subscriber.stop() }
        try subscriber.waitUntilSubscribed()
        broker.stop()

        let capacity = 100, extra = 25
        var config = MQTTTest.configuration(port: broker.port)
        config.outboxCapacity = capacity
        let logs = MQTTTestLogs()
        let client = try MQTTClient(configuration: config, logger: logs.logger)
        client.start()
        defer { client.stop() }
        for n in 0..<(capacity + extra) {
            try client.publish(topic: "vigil/cam1/seq", payload: "\(n)", qos: 1)
        }
        XCTAssertTrue(MQTTTest.waitUntil { client.status.failedAttempts >= 2 }, "\(client.status)")
        var status = client.status
        XCTAssertFalse(status.isConnected)
        XCTAssertEqual(status.dropped, extra)
        XCTAssertEqual(status.queued + status.inFlight, capacity)
        XCTAssertEqual(status.lastError?.code, .connectFailed)
        XCTAssertTrue(status.lastError?.description.contains("127.0.0.1:\(broker.port)") ?? false, "\(status)")
        XCTAssertTrue(logs.lines.contains { $0.contains("MQTT connect failed") && $0.contains("retrying in") }, "\(logs.lines)")

        try broker.start()
        XCTAssertTrue(subscriber.wait { $0.count >= capacity }, "received \(subscriber.messages.count)")
        XCTAssertEqual(subscriber.messages.map(\.payload), (extra..<(capacity + extra)).map(String.init))
        XCTAssertTrue(MQTTTest.waitUntil { client.status.published == capacity }, "\(client.status)")
        status = client.status
        XCTAssertEqual(status.dropped, extra)
        XCTAssertTrue(status.isConnected)
    }
}
