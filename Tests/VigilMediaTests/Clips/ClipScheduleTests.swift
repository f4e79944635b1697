@testable import VigilMedia
import XCTest

/// The clip lifecycle without files or threads.
final class ClipScheduleTests: XCTestCase {
    private let url = URL(fileURLWithPath: "/clips/cam-1.mp4")

    func test_clip_endsAtTheFirstItemPastThePostRoll() {
        var schedule = ClipSchedule(postRoll: 5)
        XCTAssertEqual(schedule.disposition(ofItemAt: 1), .idle)
        _ = schedule.start(eventID: "a", at: 10, url: url, startSequence: 7)
        XCTAssertEqual(schedule.disposition(ofItemAt: 100), .write, "no end yet: the clip goes on")
        XCTAssertTrue(schedule.end(at: 13))
        XCTAssertEqual(schedule.disposition(ofItemAt: 17.96), .write)
        XCTAssertEqual(schedule.disposition(ofItemAt: 18.04, isAnchor: false), .write, "a B-frame of the last anchor")
        XCTAssertEqual(schedule.disposition(ofItemAt: 18), .finish)
        XCTAssertEqual(schedule.finishOpenClip()?.eventIDs, ["a"])
        XCTAssertNil(schedule.open)
        XCTAssertFalse(schedule.end(at: 20), "no clip to end")
    }

    func test_eventDuringPostRoll_extendsTheClip() {
        var schedule = ClipSchedule(postRoll: 5)
        guard case .opened(let first) = schedule.start(eventID: "a", at: 10, url: url, startSequence: 1) else { return XCTFail() }
        _ = schedule.end(at: 13)
        guard case .extended(let extended) = schedule.start(eventID: "b", at: 16, url: url, startSequence: 99) else { return XCTFail() }
        XCTAssertEqual(extended.number, first.number)
        XCTAssertEqual(extended.eventIDs, ["a", "b"])
        XCTAssertEqual(extended.startSequence, 1)
        XCTAssertNil(schedule.stopTime, "the second event is in progress")
        _ = schedule.end(at: 20)
        XCTAssertEqual(schedule.stopTime, 25)
    }

    func test_nextClip_getsTheNextNumber() {
        var schedule = ClipSchedule(postRoll: 0)
        _ = schedule.start(eventID: "a", at: 1, url: url, startSequence: 1)
        _ = schedule.finishOpenClip()
        guard case .opened(let second) = schedule.start(eventID: "b", at: 2, url: url, startSequence: 5) else { return XCTFail() }
        XCTAssertEqual(second.number, 2)
    }
}
