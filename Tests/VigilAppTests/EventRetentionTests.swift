import Foundation
import Logging
import VigilCore
import VigilStore
import XCTest
@testable import VigilApp

/// The retention pass of the event recorder deletes what the policy says, from disk and database.
final class EventRetentionTests: XCTestCase {
    func testOldSnapshots_areDeletedWithTheirReason_activeOnesStay() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-retention-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var storage = EventStorageConfiguration(directory: folder)
        storage.retention = RetentionPolicy(snapshotMaxAgeDays: 1, clipMaxAgeDays: 1, maxTotalBytes: nil, minFreeBytes: 0)
        let recorder = try EventRecorder(storage: storage, cameras: [], logger: Logger(label: "test"), publish: { _ in })
        defer { recorder.close() }
        let now = Date()
        var paths: [String] = []
        for (index, age) in [3.0, 0.5].enumerated() {
            let start = now.addingTimeInterval(-age * 86_400)
            let event = Event(id: "e\(index)", camera: "yard", label: "person", topScore: 0.9, box: nil, zones: [],
                              start: start, end: start.addingTimeInterval(5), hasClip: false, hasSnapshot: true)
            try recorder.store.save(event)
            let plain = storage.snapshotsDirectory.appendingPathComponent("e\(index).jpg").path
            let boxed = storage.snapshotsDirectory.appendingPathComponent("e\(index)-boxes.jpg").path
            for path in [plain, boxed] { FileManager.default.createFile(atPath: path, contents: Data(count: 100)) }
            _ = try recorder.store.addSnapshot(EventSnapshot(eventID: event.id, path: plain, withBoxesPath: boxed, bytes: 200, created: start))
            paths += [plain, boxed]
        }
        let deleted = recorder.applyRetention(now: now)
        XCTAssertEqual(deleted.map(\.file.eventID), ["e0"])
        XCTAssertTrue(deleted[0].reason.contains("older than 1"), deleted[0].reason)
        XCTAssertFalse(FileManager.default.fileExists(atPath: paths[0]))
        XCTAssertFalse(FileManager.default.fileExists(atPath: paths[1]), "the boxed copy goes with it")
        XCTAssertTrue(FileManager.default.fileExists(atPath: paths[2]))
        XCTAssertNil(try recorder.store.snapshot(eventID: "e0"))
        XCTAssertNotNil(try recorder.store.snapshot(eventID: "e1"))
        XCTAssertEqual(try recorder.store.event(id: "e0")?.hasSnapshot, false)
    }
}
