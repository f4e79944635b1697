import Foundation
import VigilCore
import XCTest

/// The events message, compared with the exact text a subscriber receives.
final class EventMessageTests: XCTestCase {
    let active = Event(id: "1795000000250-k3x9qa", camera: "yard", label: "person", topScore: 0.875,
                       box: BoundingBox(left: 0.25, top: 0.5, width: 0.125, height: 0.375), zones: ["drive", "porch"],
                       start: Date(timeIntervalSince1970: 1_795_000_000.25), hasSnapshot: true)

    func testJSON_endMessageGolden() {
        var ended = active
        ended.end = Date(timeIntervalSince1970: 1_795_000_012.5)
        ended.hasClip = true
        let json = EventMessage(kind: .end, before: active, after: ended).jsonString()
        XCTAssertEqual(json, #"{"type":"end","before":{"id":"1795000000250-k3x9qa","camera":"yard","label":"person","top_score":0.875,"box":[0.25,0.5,0.125,0.375],"start_time":1795000000.25,"end_time":null,"has_clip":false,"has_snapshot":true,"zones":["drive","porch"]},"after":{"id":"1795000000250-k3x9qa","camera":"yard","label":"person","top_score":0.875,"box":[0.25,0.5,0.125,0.375],"start_time":1795000000.25,"end_time":1795000012.5,"has_clip":true,"has_snapshot":true,"zones":["drive","porch"]}}"#)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(json.utf8)))
    }

    func testJSON_classificationEventHasANullBox() {
        let event = Event(id: "1795000000000-000000", camera: "kitchen", label: "cat \"tabby\"", topScore: 1,
                          start: Date(timeIntervalSince1970: 1_795_000_000))
        XCTAssertEqual(EventMessage(kind: .new, before: event, after: event).jsonString(),
                       #"{"type":"new","before":{"id":"1795000000000-000000","camera":"kitchen","label":"cat \"tabby\"","top_score":1.0,"box":null,"start_time":1795000000.0,"end_time":null,"has_clip":false,"has_snapshot":false,"zones":[]},"after":{"id":"1795000000000-000000","camera":"kitchen","label":"cat \"tabby\"","top_score":1.0,"box":null,"start_time":1795000000.0,"end_time":null,"has_clip":false,"has_snapshot":false,"zones":[]}}"#)
    }

    func testClip_durationOnlyOnceFinished() {
        var clip = Clip(eventID: "e", path: "/clips/e.mp4", start: Date(timeIntervalSince1970: 10), codec: "h264")
        XCTAssertNil(clip.duration)
        clip.end = Date(timeIntervalSince1970: 22.5)
        XCTAssertEqual(clip.duration, 12.5)
    }
}
