import Foundation
import VigilConnectors
import VigilTestSupport
import XCTest

/// Receiving: MQTT 5 and 3.1.1 subscriptions, re-subscribed after a reconnect.
final class MQTTSubscriptionTests: XCTestCase {
    private var broker: MosquittoBroker!

    override func setUpWithError() throws {
        try MQTTTest.requireMosquitto()
        broker = try MosquittoBroker()
        try broker.start()
    }

    override func tearDown() {
        broker = nil
    }

    /// Collects what a handler receives.
    private final class Inbox: @unchecked Sendable {
        private let lock = NSLock()
        private var received: [MQTTReceivedMessage] = []
        var messages: [MQTTReceivedMessage] { lock.withLock { received } }
        func append(_ message: MQTTReceivedMessage) { lock.withLock { received.append(message) } }
    }

    func test_mqtt5_publishAndReceive() throws {
        var config = MQTTTest.configuration(port: broker.port)
        config.protocolVersion = .v5
        let display = try MQTTClient(configuration: config, logger: MQTTTestLogs().logger)
        let inbox = Inbox()
        try display.subscribe(config.topics.allPredictions) { inbox.append($0) }
        display.start()
        defer { display.stop() }

        config.clientID += "-pub"
        let camera = try MQTTClient(configuration: config, logger: MQTTTestLogs().logger)
        camera.start()
        defer { camera.stop() }
        XCTAssertTrue(MQTTTest.waitUntil { display.status.isConnected && camera.status.isConnected })
        // The subscription is in place once a retained probe published after it comes back.
        try camera.publish(topic: "vigil/probe/predictions", payload: "probe", retain: true)
        XCTAssertTrue(MQTTTest.waitUntil { inbox.messages.contains { $0.topic == "vigil/probe/predictions" } })

        try camera.publish(topic: "vigil/cam1/predictions", payload: #"{"n":1}"#)
        XCTAssertTrue(MQTTTest.waitUntil { inbox.messages.contains { $0.topic == "vigil/cam1/predictions" } })
        let message = try XCTUnwrap(inbox.messages.first { $0.topic == "vigil/cam1/predictions" })
        XCTAssertEqual(message.payload, Array(#"{"n":1}"#.utf8))
        XCTAssertFalse(message.retain)
        XCTAssertEqual(config.topics.camera(fromPredictionsTopic: message.topic), "cam1")
        XCTAssertTrue(broker.log.contains("as \(config.clientID) (p5,"), "the broker saw MQTT 5:\n\(broker.log)")
    }

    func test_connectionCut_subscriptionIsRestored() throws {
        let proxy = try TCPProxy(upstreamPort: broker.port)
        defer { proxy.stop() }
        let inbox = Inbox()
        let display = try MQTTClient(configuration: MQTTTest.configuration(port: proxy.port), logger: MQTTTestLogs().logger)
        try display.subscribe("homeassistant/status") { inbox.append($0) }
        display.start()
        defer { display.stop() }
        XCTAssertTrue(MQTTTest.waitUntil { display.status.isConnected })

        proxy.severAll()
        XCTAssertTrue(MQTTTest.waitUntil { display.status.reconnects == 1 && display.status.isConnected }, "\(display.status)")
        // Published by an independent peer until the restored subscription delivers it.
        XCTAssertTrue(MQTTTest.waitUntil(timeout: 30) {
            Self.mosquittoPub(port: self.broker.port, topic: "homeassistant/status", payload: "online")
            return MQTTTest.waitUntil(timeout: 0.5) { !inbox.messages.isEmpty }
        })
        XCTAssertTrue(HomeAssistantDiscovery.shouldRepublish(statusPayload: inbox.messages[0].payload))
    }

    private static func mosquittoPub(port: Int, topic: String, payload: String) {
        guard let executable = MosquittoBroker.executable("mosquitto_pub") else { return }
        let process = Process()
        process.executableURL = executable
        process.arguments = ["-h", "127.0.0.1", "-p", "\(port)", "-q", "1", "-t", topic, "-m", payload]
        try? process.run()
        process.waitUntilExit()
    }
}
