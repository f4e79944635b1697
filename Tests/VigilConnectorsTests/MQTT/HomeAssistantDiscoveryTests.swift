import VigilConnectors
import XCTest

final class HomeAssistantDiscoveryTests: XCTestCase {
    /// The exact config Home Assistant receives for one sensor (keys sorted, slashes unescaped).
    static let golden = #"""
    {"availability_topic":"vigil/nodes/edge1/available","device":{"identifiers":["edge1"],"manufacturer":"Vigil","model":"Vigil edge vision","name":"Vigil edge1"},"name":"cam1 apple","payload_available":"online","payload_not_available":"offline","state_topic":"vigil/cam1/apple","unique_id":"edge1_cam1_apple"}
    """#

    func test_configMessages_matchGolden() {
        let discovery = HomeAssistantDiscovery(nodeID: "edge1", topics: MQTTTopics(prefix: "vigil", node: "edge1"))
        let messages = discovery.configMessages(cameras: ["cam1"], tags: ["apple"])
        XCTAssertEqual(messages.count, 1)
        XCTAssertEqual(messages[0].topic, "homeassistant/sensor/edge1_cam1_apple/config")
        XCTAssertEqual(String(decoding: messages[0].payload, as: UTF8.self), Self.golden)
        XCTAssertTrue(messages[0].retain)
        XCTAssertEqual(messages[0].qos, 1)
    }

    func test_configMessages_everyCameraAndTag_sanitized() {
        let discovery = HomeAssistantDiscovery(nodeID: "edge 1", topics: MQTTTopics(prefix: "vigil", node: "edge 1"))
        let messages = discovery.configMessages(cameras: ["cam1", "cam2"], tags: ["apple", "red/pear"])
        XCTAssertEqual(messages.map(\.topic), [
            "homeassistant/sensor/edge_1_cam1_apple/config",
            "homeassistant/sensor/edge_1_cam1_red_pear/config",
            "homeassistant/sensor/edge_1_cam2_apple/config",
            "homeassistant/sensor/edge_1_cam2_red_pear/config",
        ])
        let payload = String(decoding: messages[1].payload, as: UTF8.self)
        XCTAssertTrue(payload.contains(#""state_topic":"vigil/cam1/red_pear""#), payload)
    }

    func test_shouldRepublish_onlyOnOnline() {
        XCTAssertTrue(HomeAssistantDiscovery.shouldRepublish(statusPayload: Array("online".utf8)))
        XCTAssertTrue(HomeAssistantDiscovery.shouldRepublish(statusPayload: Array("online\n".utf8)))
        XCTAssertFalse(HomeAssistantDiscovery.shouldRepublish(statusPayload: Array("offline".utf8)))
        XCTAssertFalse(HomeAssistantDiscovery.shouldRepublish(statusPayload: []))
    }
}
