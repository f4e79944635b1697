import VigilConnectors
import VigilTestSupport
import XCTest

/// Content, topics, retain and QoS 1 delivery against a real broker, seen by `mosquitto_sub`.
final class MQTTClientDeliveryTests: XCTestCase {
    private var broker: MosquittoBroker!

    override func setUpWithError() throws {
        try MQTTTest.requireMosquitto()
        broker = try MosquittoBroker()
        try broker.start()
    }

    override func tearDown() {
        broker = nil
    }

    func test_publish_predictionsAndRetainedCount_reachSubscribersExactly() throws {
        let subscriber = try MosquittoSubscriber(port: broker.port, topics: ["vigil/#"])
        defer { subscriber.stop() }
        try subscriber.waitUntilSubscribed()

        let client = try MQTTClient(configuration: MQTTTest.configuration(port: broker.port))
        client.start()
        defer { client.stop() }
        let topics = client.configuration.topics
        let predictions = #"{"id":"f1","predictions":[{"tagName":"apple","probability":0.9}]}"#
        try client.publish(topic: topics.predictions(camera: "cam1"), payload: predictions)
        try client.publish(topic: topics.tag("apple", camera: "cam1"), payload: "3", retain: true)

        XCTAssertTrue(subscriber.wait { $0.contains { $0.topic == "vigil/cam1/apple" } }, subscriber.printed)
        let received = subscriber.messages.filter { $0.topic != "vigil/nodes/test/available" }
        XCTAssertEqual(received, [
            .init(retain: false, topic: "vigil/cam1/predictions", payload: predictions),
            // A live subscriber gets a retained message with the retain flag cleared (MQTT 3.3.1.3).
            .init(retain: false, topic: "vigil/cam1/apple", payload: "3"),
        ])

        // A subscriber arriving later gets the stored count, flagged retained.
        let late = try MosquittoSubscriber(port: broker.port, topics: ["vigil/cam1/apple"])
        defer { late.stop() }
        XCTAssertTrue(late.wait { !$0.isEmpty }, late.printed)
        XCTAssertEqual(late.messages.first, .init(retain: true, topic: "vigil/cam1/apple", payload: "3"))
    }

    func test_qos1_thousandMessages_allArriveExactlyOnceInOrder() throws {
        let subscriber = try MosquittoSubscriber(port: broker.port, topics: ["vigil/cam1/count"])
        defer { subscriber.stop() }
        try subscriber.waitUntilSubscribed()

        let client = try MQTTClient(configuration: MQTTTest.configuration(port: broker.port))
        client.start()
        defer { client.stop() }
        let count = 1000
        for n in 0..<count {
            try client.publish(topic: "vigil/cam1/count", payload: "\(n)", qos: 1)
        }
        XCTAssertTrue(subscriber.wait { $0.count >= count }, "received \(subscriber.messages.count) of \(count)")
        XCTAssertTrue(MQTTTest.waitUntil { client.status.published == count }, "\(client.status)")
        XCTAssertEqual(subscriber.messages.map(\.payload), (0..<count).map(String.init))
        let status = client.status
        XCTAssertEqual(status.dropped, 0)
        XCTAssertEqual(status.queued + status.inFlight, 0)
        XCTAssertTrue(status.isConnected)
    }

    func test_publish_fromManyThreadsAtOnce_losesNothing() throws {
        let subscriber = try MosquittoSubscriber(port: broker.port, topics: ["vigil/+/seq"])
        defer { subscriber.stop() }
        try subscriber.waitUntilSubscribed()
        let client = try MQTTClient(configuration: MQTTTest.configuration(port: broker.port), logger: MQTTTestLogs().logger)
        client.start()
        defer { client.stop() }
        let threads = 4, perThread = 250
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for n in 0..<perThread {
                try? client.publish(topic: "vigil/cam\(thread)/seq", payload: "\(n)")
            }
        }
        XCTAssertTrue(subscriber.wait { $0.count >= threads * perThread }, "received \(subscriber.messages.count)")
        for thread in 0..<threads {
            // Each publishing thread's own messages keep their order.
            let mine = subscriber.messages.filter { $0.topic == "vigil/cam\(thread)/seq" }.map(\.payload)
            XCTAssertEqual(mine, (0..<perThread).map(String.init))
        }
        XCTAssertTrue(MQTTTest.waitUntil { client.status.published == threads * perThread }, "\(client.status)")
    }

    func test_publish_invalidTopic_throwsNamingIt() throws {
        let client = try MQTTClient(configuration: MQTTTest.configuration(port: broker.port), logger: MQTTTestLogs().logger)
        XCTAssertThrowsError(try client.publish(topic: "vigil/+/predictions", payload: "x")) { error in
            XCTAssertTrue("\(error)".contains("vigil/+/predictions"), "\(error)")
        }
        XCTAssertThrowsError(try client.publish(topic: "vigil/cam1", payload: "x", qos: 3))
        XCTAssertEqual(client.status.queued, 0)
    }
}
