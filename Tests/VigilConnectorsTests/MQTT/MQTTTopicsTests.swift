import VigilConnectors
import XCTest

final class MQTTTopicsTests: XCTestCase {
    let topics = MQTTTopics(prefix: "vigil")

    func test_topics_layout() {
        XCTAssertEqual(topics.predictions(camera: "cam1"), "vigil/cam1/predictions")
        XCTAssertEqual(topics.tag("apple", camera: "cam1"), "vigil/cam1/apple")
        XCTAssertEqual(topics.status(camera: "cam1"), "vigil/cam1/status")
        XCTAssertEqual(topics.availability, "vigil/available")
        XCTAssertEqual(topics.events, "vigil/events")
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

    func test_camera_fromPredictionsTopic() {
        XCTAssertEqual(topics.camera(fromPredictionsTopic: "vigil/cam1/predictions"), "cam1")
        XCTAssertNil(topics.camera(fromPredictionsTopic: "vigil/cam1/apple"))
        XCTAssertNil(topics.camera(fromPredictionsTopic: "other/cam1/predictions"))
        XCTAssertNil(topics.camera(fromPredictionsTopic: "vigil/a/b/predictions"))
    }
}
