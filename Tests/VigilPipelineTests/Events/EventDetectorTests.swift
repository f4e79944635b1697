import Foundation
import VigilCore
import XCTest
@testable import VigilPipeline

/// The event detector's lifecycle on a mock clock: one scored frame per second unless a test says otherwise.
final class EventDetectorTests: XCTestCase {
    var clock = MockClock()
    var sequence: UInt64 = 0

    func person(_ p: Double, box: BoundingBox? = BoundingBox(left: 0.4, top: 0.4, width: 0.2, height: 0.4)) -> Prediction {
        Prediction(probability: p, tagId: .index(0), tagName: "person", boundingBox: box)
    }

    func car(_ p: Double) -> Prediction {
        Prediction(probability: p, tagId: .index(1), tagName: "car",
                   boundingBox: BoundingBox(left: 0.1, top: 0.5, width: 0.3, height: 0.3))
    }

    /// Scores one frame one second after the previous one.
    func frame(_ detector: inout EventDetector, _ predictions: [Prediction], after seconds: TimeInterval = 1) -> [EventAction] {
        sequence += 1
        return detector.observe(predictions, frameSequence: sequence, at: clock.advance(by: seconds))
    }

    func started(_ actions: [EventAction]) -> [Event] {
        actions.compactMap { if case .started(let event) = $0 { event } else { nil } }
    }

    func firstStarted(_ actions: [EventAction]) throws -> Event {
        try XCTUnwrap(started(actions).first, "no event started")
    }

    func ended(_ actions: [EventAction]) -> [Event] {
        actions.compactMap { if case .ended(_, let after) = $0 { after } else { nil } }
    }

    func testDebounce_oneMatchingFrameDoesNotStartTwoDo() throws {
        var detector = EventDetector(camera: "yard", ids: .seeded(1))
        XCTAssertEqual(frame(&detector, [person(0.8)]), [])
        XCTAssertEqual(frame(&detector, []), [], "a gap resets the streak")
        XCTAssertEqual(frame(&detector, [person(0.8)]), [])
        let firstMatch = clock.now
        let actions = frame(&detector, [person(0.9)])
        let event = try XCTUnwrap(started(actions).first)
        XCTAssertEqual(event.label, "person")
        XCTAssertEqual(event.start, firstMatch, "an event starts at the first frame of its streak")
        XCTAssertEqual(event.topScore, 0.9)
        XCTAssertNil(event.end)
        XCTAssertEqual(actions, [.started(event), .saveSnapshot(eventID: event.id, frameSequence: sequence)])
        XCTAssertEqual(detector.activeEvents, [event])
    }

    func testQuietTime_endsAtTheFirstFrameFiveSecondsAfterTheLastMatch() throws {
        var detector = EventDetector(camera: "yard", ids: .seeded(1))
        _ = frame(&detector, [person(0.8)])
        let event = try firstStarted(frame(&detector, [person(0.8)]))
        let lastMatch = clock.now
        for _ in 1...4 { XCTAssertEqual(frame(&detector, []), []) }
        let actions = frame(&detector, [])
        var expected = event
        expected.end = lastMatch
        XCTAssertEqual(actions, [.ended(before: event, after: expected)])
        XCTAssertEqual(actions[0].message?.kind, .end)
        XCTAssertEqual(detector.activeEvents, [])
    }

    func testQuietTime_aMatchWithinItKeepsTheEventGoing() {
        var detector = EventDetector(camera: "yard", ids: .seeded(1))
        _ = frame(&detector, [person(0.8)])
        XCTAssertEqual(started(frame(&detector, [person(0.8)])).count, 1)
        for _ in 1...4 { _ = frame(&detector, []) }
        XCTAssertEqual(frame(&detector, [person(0.7)]), [], "a lower score is not news")
        for _ in 1...4 { XCTAssertEqual(frame(&detector, []), []) }
        XCTAssertEqual(ended(frame(&detector, [])).count, 1)
    }

    func testTick_endsTheEventOfAStalledCamera() {
        var detector = EventDetector(camera: "yard", ids: .seeded(1))
        _ = frame(&detector, [person(0.8)])
        _ = frame(&detector, [person(0.8)])
        XCTAssertEqual(detector.tick(at: clock.advance(by: 4.9)), [])
        XCTAssertEqual(ended(detector.tick(at: clock.advance(by: 0.1))).count, 1)
    }

    func testCooldown_aMatchDuringItDoesNotStartANewEvent() {
        var detector = EventDetector(camera: "yard", rules: EventRules(cooldown: 10), ids: .seeded(1))
        _ = frame(&detector, [person(0.8)])
        _ = frame(&detector, [person(0.8)])
        XCTAssertEqual(ended(frame(&detector, [], after: 5)).count, 1)
        // Cooldown runs until 10 s after the frame that ended the event.
        for _ in 1...9 { XCTAssertEqual(frame(&detector, [person(0.9)]), [], "at +\(clock.now.timeIntervalSince1970 - 1_795_000_000)") }
        XCTAssertEqual(frame(&detector, [person(0.9)]), [], "first frame after the cooldown only counts")
        XCTAssertEqual(started(frame(&detector, [person(0.9)])).count, 1)
    }

    func testZones_countABoxByItsBottomCentre() throws {
        // The lower half of the picture.
        let floor = EventZone(name: "floor", points: [.init(x: 0, y: 0.5), .init(x: 1, y: 0.5), .init(x: 1, y: 1), .init(x: 0, y: 1)])
        var detector = EventDetector(camera: "yard", rules: EventRules(zones: [floor]), ids: .seeded(1))
        let inside = BoundingBox(left: 0.4, top: 0.3, width: 0.2, height: 0.4)   // bottom-centre (0.5, 0.7)
        let outside = BoundingBox(left: 0.4, top: 0.1, width: 0.2, height: 0.3)  // bottom-centre (0.5, 0.4)
        XCTAssertEqual(frame(&detector, [person(0.9, box: outside)]), [])
        XCTAssertEqual(frame(&detector, [person(0.9, box: outside)]), [])
        XCTAssertEqual(frame(&detector, [person(0.9, box: nil)]), [], "no box, no zone")
        XCTAssertEqual(frame(&detector, [person(0.9, box: inside)]), [])
        let event = try firstStarted(frame(&detector, [person(0.9, box: inside)]))
        XCTAssertEqual(event.zones, ["floor"])
    }

    func testZones_aBoxWhoseCentreIsInsideButBottomCentreOutsideDoesNotCount() {
        // The upper half of the picture.
        let sky = EventZone(name: "sky", points: [.init(x: 0, y: 0), .init(x: 1, y: 0), .init(x: 1, y: 0.5), .init(x: 0, y: 0.5)])
        let box = BoundingBox(left: 0.4, top: 0.2, width: 0.2, height: 0.5)   // centre (0.5, 0.45), bottom-centre (0.5, 0.7)
        XCTAssertTrue(sky.contains(.init(x: 0.5, y: 0.45)))
        XCTAssertFalse(sky.contains(bottomCentreOf: box))
        var detector = EventDetector(camera: "yard", rules: EventRules(zones: [sky]), ids: .seeded(1))
        for _ in 1...3 { XCTAssertEqual(frame(&detector, [person(0.9, box: box)]), []) }
    }

    func testZones_enteringASecondZoneIsAnUpdate() throws {
        let left = EventZone(name: "left", points: [.init(x: 0, y: 0), .init(x: 0.5, y: 0), .init(x: 0.5, y: 1), .init(x: 0, y: 1)])
        let right = EventZone(name: "right", points: [.init(x: 0.5, y: 0), .init(x: 1, y: 0), .init(x: 1, y: 1), .init(x: 0.5, y: 1)])
        var detector = EventDetector(camera: "yard", rules: EventRules(zones: [left, right]), ids: .seeded(1))
        let inLeft = BoundingBox(left: 0.1, top: 0.2, width: 0.2, height: 0.5)
        let inRight = BoundingBox(left: 0.6, top: 0.2, width: 0.2, height: 0.5)
        _ = frame(&detector, [person(0.9, box: inLeft)])
        let event = try firstStarted(frame(&detector, [person(0.9, box: inLeft)]))
        XCTAssertEqual(event.zones, ["left"])
        var after = event
        after.zones = ["left", "right"]
        XCTAssertEqual(frame(&detector, [person(0.8, box: inRight)]), [.updated(before: event, after: after)],
                       "a new zone without a better score: no snapshot")
        XCTAssertEqual(frame(&detector, [person(0.8, box: inLeft)]), [])
    }

    func testZone_evenOddRuleAndFrameBottomEdge() {
        // A square with a square hole, drawn as one self-touching ring.
        let ring = EventZone(name: "ring", points: [
            .init(x: 0, y: 0), .init(x: 1, y: 0), .init(x: 1, y: 1), .init(x: 0, y: 1), .init(x: 0, y: 0),
            .init(x: 0.25, y: 0.25), .init(x: 0.25, y: 0.75), .init(x: 0.75, y: 0.75), .init(x: 0.75, y: 0.25), .init(x: 0.25, y: 0.25),
        ])
        XCTAssertTrue(ring.contains(.init(x: 0.1, y: 0.5)))
        XCTAssertFalse(ring.contains(.init(x: 0.5, y: 0.5)))
        let whole = EventZone(name: "all", points: [.init(x: 0, y: 0), .init(x: 1, y: 0), .init(x: 1, y: 1), .init(x: 0, y: 1)])
        XCTAssertTrue(whole.contains(bottomCentreOf: BoundingBox(left: 0.5, top: 0.5, width: 0.5, height: 0.5)),
                      "a box touching the frame's bottom-right corner counts")
        XCTAssertFalse(EventZone(name: "line", points: [.init(x: 0, y: 0), .init(x: 1, y: 1)]).contains(.init(x: 0.5, y: 0.5)))
    }

    func testBetterScore_emitsUpdateAndSaveSnapshot() throws {
        var detector = EventDetector(camera: "yard", ids: .seeded(1))
        _ = frame(&detector, [person(0.6)])
        let event = try firstStarted(frame(&detector, [person(0.7)]))
        let better = BoundingBox(left: 0.3, top: 0.3, width: 0.3, height: 0.5)
        let actions = frame(&detector, [person(0.95, box: better)])
        var after = event
        after.topScore = 0.95
        after.box = better
        XCTAssertEqual(actions, [.updated(before: event, after: after), .saveSnapshot(eventID: event.id, frameSequence: sequence)])
        XCTAssertEqual(actions[0].message?.kind, .update)
        XCTAssertNil(actions[1].message)
        XCTAssertEqual(frame(&detector, [person(0.95)]), [], "an equal score is not better")
    }

    func testLabelFilterAndMinProbability() {
        var detector = EventDetector(camera: "yard", rules: EventRules(labels: ["person"], minProbability: 0.6), ids: .seeded(1))
        for _ in 1...3 { XCTAssertEqual(frame(&detector, [car(0.99), person(0.59)]), []) }
        XCTAssertEqual(frame(&detector, [car(0.99), person(0.6)]), [])
        XCTAssertEqual(started(frame(&detector, [car(0.99), person(0.6)])).map(\.label), ["person"])
    }

    func testTwoLabels_runAsTwoConcurrentEvents() {
        var detector = EventDetector(camera: "yard", ids: .seeded(1))
        _ = frame(&detector, [person(0.8), car(0.7)])
        let both = started(frame(&detector, [person(0.8), car(0.7)]))
        XCTAssertEqual(both.map(\.label), ["car", "person"], "alphabetical within one frame")
        XCTAssertNotEqual(both[0].id, both[1].id)
        // The car leaves; the person stays.
        for _ in 1...4 { XCTAssertEqual(frame(&detector, [person(0.8)]), []) }
        let actions = frame(&detector, [person(0.8)])
        XCTAssertEqual(ended(actions).map(\.label), ["car"])
        XCTAssertEqual(detector.activeEvents.map(\.label), ["person"])
        XCTAssertEqual(ended(detector.endAll(at: clock.advance(by: 1))).map(\.label), ["person"])
    }

    func testObserveScoredFrame_usesItsSequenceAndFrameTime() throws {
        var detector = EventDetector(camera: "yard", rules: EventRules(minConsecutiveFrames: 1), ids: .seeded(1))
        let frame = ScoredFrame(camera: "yard", model: "m", sequence: 42, presentationTime: 1.5,
                                frameTime: Date(timeIntervalSince1970: 1_795_000_000.25), width: 640, height: 480,
                                predictions: [person(0.8)], scoringSeconds: 0.01)
        let actions = detector.observe(frame)
        XCTAssertEqual(started(actions).first?.start, frame.frameTime)
        XCTAssertEqual(actions.last, .saveSnapshot(eventID: try firstStarted(actions).id, frameSequence: 42))
    }

    func testClipStarted_isAnUpdateOnce() throws {
        var detector = EventDetector(camera: "yard", ids: .seeded(1))
        _ = frame(&detector, [person(0.8)])
        let event = try firstStarted(frame(&detector, [person(0.8)]))
        var after = event
        after.hasClip = true
        XCTAssertEqual(detector.clipStarted(eventID: event.id), [.updated(before: event, after: after)])
        XCTAssertEqual(detector.clipStarted(eventID: event.id), [])
        XCTAssertEqual(detector.clipStarted(eventID: "nope"), [])
    }

    func testSnapshotsOff_noSaveSnapshotAndNoHasSnapshot() throws {
        var detector = EventDetector(camera: "yard", rules: EventRules(minConsecutiveFrames: 1, snapshots: false), ids: .seeded(1))
        let actions = frame(&detector, [person(0.8)])
        XCTAssertEqual(actions.count, 1)
        XCTAssertFalse(try firstStarted(actions).hasSnapshot)
        XCTAssertEqual(frame(&detector, [person(0.9)]).count, 1, "update only")
    }

    func testIDs_sortByStartTimeAndRepeatForASeed() {
        var a = EventIDGenerator.seeded(7), b = EventIDGenerator.seeded(7)
        let first = a.next(at: Date(timeIntervalSince1970: 1_795_000_000.25))
        XCTAssertEqual(first, b.next(at: Date(timeIntervalSince1970: 1_795_000_000.25)))
        XCTAssertTrue(first.hasPrefix("1795000000250-"))
        XCTAssertEqual(first.count, 20)
        XCTAssertLessThan(first, a.next(at: Date(timeIntervalSince1970: 1_795_000_000.251)))
        var random = EventIDGenerator.random
        XCTAssertTrue(random.next(at: Date(timeIntervalSince1970: 1)).hasPrefix("0000000001000-"))
    }
}
