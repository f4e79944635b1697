import VigilConnectors
import XCTest

final class MQTTTopicsTests: XCTestCase {
    let topics = MQTTTopics(prefix: "vigil", node: "edge1")

    func test_topics_layout() {
        XCTAssertEqual(topics.predictions(camera: "cam1"), "vigil/cam1/predictions")
        XCTAssertEqual(topics.tag("apple", camera: "cam1"), "vigil/cam1/apple")
        XCTAssertEqual(topics.status(camera: "cam1"), "vigil/cam1/status")
        XCTAssertEqual(topics.availability, "vigil/nodes/edge1/available")
        XCTAssertEqual(topics.nodeStatus, "vigil/nodes/edge1/status")
        XCTAssertEqual(topics.events, "vigil/nodes/edge1/events")
        XCTAssertEqual(topics.everyNode(.available), "vigil/nodes/+/available")
        XCTAssertEqual(MQTTTopics(prefix: "site/vigil", node: "a/b").availability, "site/vigil/nodes/a_b/available")
        XCTAssertEqual(topics.allPredictions, "vigil/+/predictions")
    }

    func test_tag_wildcardsAndSlash_becomeUnderscore() {
        XCTAssertEqual(topics.tag("a/b+c#d", camera: "cam1"), "vigil/cam1/a_b_c_d")
        XCTAssertEqual(MQTTTopics.sanitizedLevel(""), "_")
    }

    func test_validateLevel_rejectsWildcards() {
        XCTAssertNoThrow(try MQTTTopics.validateLevel("front-door"))
        for bad in ["", "a/b", "a+", "#"] {
            XCTAssertThrowsError(try MQTTTopics.validateLevel(bad, what: "cameras[0].name")) { error in
                XCTAssertTrue("\(error)".contains("cameras[0].name"), "\(error)")
            }
        }
    }

    func test_node_fromNodeTopic() {
        XCTAssertEqual(topics.node(fromNodeTopic: "vigil/nodes/pi-2/status")?.node, "pi-2")
        XCTAssertEqual(topics.node(fromNodeTopic: "vigil/nodes/pi-2/events")?.kind, .events)
        XCTAssertNil(topics.node(fromNodeTopic: "vigil/nodes/pi-2/other"))
        XCTAssertNil(topics.node(fromNodeTopic: "vigil/nodes//status"))
        XCTAssertNil(topics.node(fromNodeTopic: "vigil/nodes/a/b/status"))
        XCTAssertNil(topics.node(fromNodeTopic: "other/nodes/a/status"))
    }

    func test_camera_fromPredictionsTopic() {
        XCTAssertEqual(topics.camera(fromPredictionsTopic: "vigil/cam1/predictions"), "cam1")
        XCTAssertNil(topics.camera(fromPredictionsTopic: "vigil/cam1/apple"))
        XCTAssertNil(topics.camera(fromPredictionsTopic: "other/cam1/predictions"))
        XCTAssertNil(topics.camera(fromPredictionsTopic: "vigil/a/b/predictions"))
    }
}
