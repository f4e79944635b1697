import VigilConnectors
import VigilTestSupport
import XCTest

/// Birth (`online` on every connect) and last will (`offline` when the client vanishes or stops).
final class MQTTAvailabilityTests: XCTestCase {
    private var broker: MosquittoBroker!

    override func setUpWithError() throws {
        try MQTTTest.requireMosquitto()
        broker = try MosquittoBroker()
        try broker.start()
    }

    override func tearDown() {
        broker = nil
    }

    private func availability(_ messages: [MosquittoSubscriber.Message]) -> [String] {
        messages.filter { $0.topic == "vigil/nodes/test/available" }.map(\.payload)
    }

    func test_connect_publishesRetainedOnline() throws {
        let client = try MQTTClient(configuration: MQTTTest.configuration(port: broker.port), logger: MQTTTestLogs().logger)
        client.start()
        defer { client.stop() }
        XCTAssertTrue(MQTTTest.waitUntil { client.status.isConnected })

        // A subscriber arriving after the connect sees the retained birth message.
        let subscriber = try MosquittoSubscriber(port: broker.port, topics: ["vigil/nodes/test/available"])
        defer { subscriber.stop() }
        XCTAssertTrue(subscriber.wait { !$0.isEmpty }, subscriber.printed)
        XCTAssertEqual(subscriber.messages.first, .init(retain: true, topic: "vigil/nodes/test/available", payload: "online"))
    }

    func test_connectionCut_brokerPublishesWill_thenClientReconnectsOnline() throws {
        let proxy = try TCPProxy(upstreamPort: broker.port)
        defer { proxy.stop() }
        let subscriber = try MosquittoSubscriber(port: broker.port, topics: ["vigil/nodes/test/available"])
        defer { subscriber.stop() }
        try subscriber.waitUntilSubscribed()

        // keepAlive 5 s (libmosquitto's minimum): the broker would also notice a silent peer after 7.5 s.
        let client = try MQTTClient(configuration: MQTTTest.configuration(port: proxy.port), logger: MQTTTestLogs().logger)
        client.start()
        defer { client.stop() }
        XCTAssertTrue(subscriber.wait { self.availability($0) == ["online"] }, subscriber.printed)

        proxy.severAll()  // no DISCONNECT reaches the broker
        XCTAssertTrue(subscriber.wait { self.availability($0).starts(with: ["online", "offline"]) }, subscriber.printed)
        XCTAssertTrue(subscriber.wait { self.availability($0) == ["online", "offline", "online"] }, subscriber.printed)
        XCTAssertTrue(MQTTTest.waitUntil { client.status.reconnects == 1 }, "\(client.status)")
        XCTAssertEqual(client.status.lastError?.code, .connectionLost)
    }

    func test_networkGoesSilent_brokerPublishesWillAfterKeepAlive() throws {
        let proxy = try TCPProxy(upstreamPort: broker.port)
        defer { proxy.stop() }
        let subscriber = try MosquittoSubscriber(port: broker.port, topics: ["vigil/nodes/test/available"])
        defer { subscriber.stop() }
        try subscriber.waitUntilSubscribed()
        let client = try MQTTClient(configuration: MQTTTest.configuration(port: proxy.port), logger: MQTTTestLogs().logger)
        client.start()
        defer { client.stop() }
        XCTAssertTrue(subscriber.wait { self.availability($0) == ["online"] }, subscriber.printed)

        // Nothing is closed: the broker only learns from the missing keep-alive (1.5 × 5 s).
        proxy.freezeAll()
        XCTAssertTrue(subscriber.wait(timeout: 30) { self.availability($0).starts(with: ["online", "offline"]) }, subscriber.printed)
        // The client's own keep-alive check notices too, and it reconnects through a fresh relay.
        XCTAssertTrue(subscriber.wait(timeout: 30) { self.availability($0) == ["online", "offline", "online"] }, subscriber.printed)
        XCTAssertEqual(client.status.lastError?.code, .connectionLost)
    }

    func test_cleanStop_publishesOfflineItself() throws {
        let subscriber = try MosquittoSubscriber(port: broker.port, topics: ["vigil/nodes/test/available"])
        defer { subscriber.stop() }
        try subscriber.waitUntilSubscribed()
        let client = try MQTTClient(configuration: MQTTTest.configuration(port: broker.port), logger: MQTTTestLogs().logger)
        client.start()
        XCTAssertTrue(subscriber.wait { self.availability($0) == ["online"] }, subscriber.printed)

        client.stop()
        XCTAssertFalse(client.status.isConnected)
        XCTAssertTrue(subscriber.wait { self.availability($0) == ["online", "offline"] }, subscriber.printed)
        XCTAssertTrue(MQTTTest.waitUntil { self.broker.log.contains("Client \(client.configuration.clientID) disconnected.") },
                      "the broker saw a clean DISCONNECT, so the will did not fire:\n\(broker.log)")
    }

    func test_birthAndWillDisabled_publishNothingOnAvailability() throws {
        let subscriber = try MosquittoSubscriber(port: broker.port, topics: ["vigil/#"])
        defer { subscriber.stop() }
        try subscriber.waitUntilSubscribed()
        var config = MQTTTest.configuration(port: broker.port)
        config.publishesBirth = false
        config.publishesWill = false
        let client = try MQTTClient(configuration: config, logger: MQTTTestLogs().logger)
        client.start()
        try client.publish(topic: "vigil/cam1/status", payload: "running")
        XCTAssertTrue(subscriber.wait { !$0.isEmpty })
        client.stop()
        XCTAssertEqual(subscriber.messages.map(\.topic), ["vigil/cam1/status"])
    }
}
