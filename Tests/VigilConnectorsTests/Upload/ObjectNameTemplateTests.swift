import Foundation
import XCTest
@testable import VigilConnectors

final class ObjectNameTemplateTests: XCTestCase {
    let fields = ObjectNameFields(camera: "front door/../x", timestamp: Date(timeIntervalSince1970: 1_704_164_645),  // 2024-01-02T03:04:05Z
                                  eventID: "evt-42", kind: "clip", ext: "mp4")

    func testRender_fillsEveryPlaceholderInUTC() throws {
        let template = try ObjectNameTemplate("{camera}/{date}/{time}-{kind}/{event_id}.{ext}")
        XCTAssertEqual(template.render(fields), "front_door_.._x/2024-01-02/03-04-05-clip/evt-42.mp4")
    }

    func testDefaultPattern_isCameraDateEvent() throws {
        XCTAssertEqual(try ObjectNameTemplate().render(fields), "front_door_.._x/2024-01-02/evt-42.mp4")
        XCTAssertEqual(try ObjectNameTemplate("{camera}/{date}/{event_id}.mp4").render(fields), "front_door_.._x/2024-01-02/evt-42.mp4")
    }

    func testUnknownPlaceholder_errorNamesItAndTheKeyPath() {
        XCTAssertThrowsError(try ObjectNameTemplate("{camera}/{day}/{event_id}.mp4", keyPath: "upload.targets.clips.object_name")) { error in
            let error = error as? UploadError
            XCTAssertEqual(error?.code, .invalidConfiguration)
            XCTAssertEqual(error?.context, "upload.targets.clips.object_name")
            XCTAssertTrue(error?.reason.contains("{day}") == true, "\(String(describing: error))")
        }
    }

    func testUnbalancedBraces_areRejected() {
        XCTAssertThrowsError(try ObjectNameTemplate("{camera/x"))
        XCTAssertThrowsError(try ObjectNameTemplate("camera}/x"))
        XCTAssertThrowsError(try ObjectNameTemplate("/{camera}"))
    }
}
