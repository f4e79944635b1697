import Foundation
import VigilCore
import XCTest
@testable import VigilStore

final class EventStoreTests: XCTestCase {
    var temporary: TemporaryStore!

    override func setUpWithError() throws { temporary = try TemporaryStore() }
    override func tearDown() { temporary.remove() }

    func testMigrations_runOnceAndReopenKeepsData() throws {
        let first = try temporary.open()
        XCTAssertEqual(try first.appliedMigrations(), ["v1-events", "v1-snapshots", "v1-clips", "v1-uploads"])
        try first.save(makeEvent("a", start: 0))
        let second = try temporary.open()
        XCTAssertEqual(try second.appliedMigrations(), ["v1-events", "v1-snapshots", "v1-clips", "v1-uploads"])
        XCTAssertEqual(try second.event(id: "a")?.id, "a")
        let journal = try second.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        XCTAssertEqual(journal, "wal")
    }

    func testSave_insertsThenReplacesAndRoundTrips() throws {
        let store = try temporary.open()
        var event = makeEvent("a", start: 0.25)
        try store.save(event)
        XCTAssertEqual(try store.event(id: "a"), event)
        event.end = at(12.5)
        event.topScore = 0.95
        event.zones = ["drive", "porch"]
        event.box = nil
        try store.save(event)
        XCTAssertEqual(try store.event(id: "a"), event)
        XCTAssertNil(try store.event(id: "b"))
    }

    func testEvents_filterByCameraLabelAndTimeNewestFirstWithPaging() throws {
        let store = try temporary.open()
        try store.save(makeEvent("1", camera: "yard", label: "person", start: 10))
        try store.save(makeEvent("2", camera: "yard", label: "car", start: 20))
        try store.save(makeEvent("3", camera: "door", label: "person", start: 30))
        try store.save(makeEvent("4", camera: "yard", label: "person", start: 40))
        XCTAssertEqual(try store.events().map(\.id), ["4", "3", "2", "1"])
        XCTAssertEqual(try store.events(EventFilter(camera: "yard")).map(\.id), ["4", "2", "1"])
        XCTAssertEqual(try store.events(EventFilter(label: "person")).map(\.id), ["4", "3", "1"])
        XCTAssertEqual(try store.events(EventFilter(startedFrom: at(20), startedBefore: at(40))).map(\.id), ["3", "2"])
        XCTAssertEqual(try store.events(EventFilter(camera: "yard", label: "person", startedFrom: at(0))).map(\.id), ["4", "1"])
        XCTAssertEqual(try store.events(EventFilter(limit: 2, offset: 1)).map(\.id), ["3", "2"])
    }

    func testAClipExtendedByALaterEvent_staysTheFirstEvents() throws {
        let store = try temporary.open()
        try store.save(makeEvent("a", start: 0))
        try store.save(makeEvent("b", start: 2))
        XCTAssertTrue(try store.addClip(Clip(eventID: "a", path: "/c/a.mp4", start: at(0), codec: "h264"), created: at(0)))
        XCTAssertFalse(try store.addClip(Clip(eventID: "b", path: "/c/a.mp4", start: at(2), codec: "h264"), created: at(2)))
        XCTAssertEqual(try store.clips(eventID: "a").map(\.path), ["/c/a.mp4"])
        XCTAssertEqual(try store.clips(eventID: "b"), [])
        XCTAssertEqual(try store.event(id: "b")?.hasClip, false)
    }

    func testDeleteEvent_returnsItsFilesAndCancelsTheirUploads() throws {
        let store = try temporary.open()
        try store.save(makeEvent("a", start: 0))
        try store.save(makeEvent("b", start: 5))
        try store.addSnapshot(EventSnapshot(eventID: "a", path: "/s/a.jpg", withBoxesPath: "/s/a-boxes.jpg", bytes: 300, created: at(1)))
        try store.addClip(Clip(eventID: "a", path: "/c/a.mp4", start: at(0), codec: "h264"), created: at(0))
        try store.addSnapshot(EventSnapshot(eventID: "b", path: "/s/b.jpg", bytes: 100, created: at(6)))
        let pending = try store.enqueueUpload(kind: .clip, localPath: "/c/a.mp4", target: "azure", objectName: "a.mp4", at: at(2))
        let done = try store.enqueueUpload(kind: .snapshot, localPath: "/s/a.jpg", target: "azure", objectName: "a.jpg", at: at(2))
        XCTAssertTrue(try store.markUploading(id: done.id, at: at(3)))
        try store.markUploadDone(id: done.id, at: at(4))

        XCTAssertEqual(try store.deleteEvent(id: "a"), ["/s/a.jpg", "/s/a-boxes.jpg", "/c/a.mp4"])
        XCTAssertNil(try store.event(id: "a"))
        XCTAssertNil(try store.snapshot(eventID: "a"))
        XCTAssertEqual(try store.clips(eventID: "a"), [])
        XCTAssertEqual(try store.uploads().map(\.id), [done.id], "the done upload stays as history; the pending one goes")
        XCTAssertNotEqual(pending.id, done.id)
        XCTAssertEqual(try store.storageUsage(), StorageUsage(snapshotBytes: 100, clipBytes: 0))
        XCTAssertEqual(try store.deleteEvent(id: "a"), [])
    }

    func testSnapshots_aBetterOneReplacesTheOld() throws {
        let store = try temporary.open()
        try store.save(makeEvent("a", start: 0))
        let first = EventSnapshot(eventID: "a", path: "/s/a-1.jpg", withBoxesPath: "/s/a-1b.jpg", bytes: 10, created: at(1))
        XCTAssertEqual(try store.addSnapshot(first), [])
        XCTAssertEqual(try store.event(id: "a")?.hasSnapshot, true)
        try store.enqueueUpload(kind: .snapshot, localPath: "/s/a-1.jpg", target: "azure", objectName: "a.jpg", at: at(1))
        XCTAssertEqual(try store.addSnapshot(EventSnapshot(eventID: "a", path: "/s/a-2.jpg", bytes: 20, created: at(2))),
                       ["/s/a-1.jpg", "/s/a-1b.jpg"])
        XCTAssertEqual(try store.snapshot(eventID: "a")?.path, "/s/a-2.jpg")
        XCTAssertEqual(try store.uploads(), [], "the replaced snapshot's pending upload is cancelled")
        XCTAssertEqual(try store.removeSnapshot(path: "/s/a-2.jpg"), ["/s/a-2.jpg"])
        XCTAssertEqual(try store.event(id: "a")?.hasSnapshot, false)
    }

    func testClipsBeingWritten_listsWhatACrashLeftBehind() throws {
        do {
            let store = try temporary.open()
            try store.save(makeEvent("a", start: 0))
            try store.save(makeEvent("b", start: 10))
            try store.addClip(Clip(eventID: "b", path: "/c/b.mp4", start: at(10), codec: "h264"), created: at(10))
            try store.addClip(Clip(eventID: "a", path: "/c/a.mp4", start: at(0), codec: "h264"), created: at(0))
            try store.addClip(Clip(eventID: "a", path: "/c/a2.mp4", start: at(5), codec: "h264"), created: at(5))
            try store.finalizeClip(path: "/c/a2.mp4", end: at(9), bytes: 4096)
        }
        let reopened = try temporary.open()
        let writing = try reopened.clipsBeingWritten()
        XCTAssertEqual(writing.map(\.path), ["/c/a.mp4", "/c/b.mp4"])
        XCTAssertEqual(writing.first?.state, .writing)
        try reopened.finalizeClip(path: "/c/a.mp4", end: at(4), bytes: 1000)
        try reopened.markClipRemoved(path: "/c/b.mp4")
        XCTAssertEqual(try reopened.clipsBeingWritten(), [])
        XCTAssertEqual(try reopened.clips(eventID: "a").map(\.duration), [4, 4])
        XCTAssertEqual(try reopened.event(id: "a")?.hasClip, true)
        XCTAssertEqual(try reopened.event(id: "b")?.hasClip, false, "its only clip was removed")
        XCTAssertEqual(try reopened.storageUsage(), StorageUsage(snapshotBytes: 0, clipBytes: 5096))
        XCTAssertThrowsError(try reopened.finalizeClip(path: "/c/none.mp4", end: at(1), bytes: 1)) { error in
            XCTAssertTrue((error as? EventStoreError)?.isNotFound ?? false, "\(error)")
        }
    }
}
