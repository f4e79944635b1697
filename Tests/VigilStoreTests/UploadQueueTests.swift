import Foundation
import VigilCore
import XCTest
@testable import VigilStore

final class UploadQueueTests: XCTestCase {
    var temporary: TemporaryStore!

    override func setUpWithError() throws { temporary = try TemporaryStore() }
    override func tearDown() { temporary.remove() }

    func testNextDue_followsNextAttemptTimeThenId() throws {
        let store = try temporary.open()
        let a = try store.enqueueUpload(kind: .clip, localPath: "/c/a.mp4", target: "azure", objectName: "a.mp4", at: at(10))
        let b = try store.enqueueUpload(kind: .snapshot, localPath: "/s/b.jpg", target: "azure", objectName: "b.jpg", at: at(5))
        let c = try store.enqueueUpload(kind: .snapshot, localPath: "/s/b.jpg", target: "s3", objectName: "b.jpg", at: at(5))
        XCTAssertEqual(a.state, .pending)
        XCTAssertEqual(a.nextAttemptAt, at(10))
        XCTAssertEqual(try store.enqueueUpload(kind: .clip, localPath: "/c/a.mp4", target: "azure", objectName: "x", at: at(99)), a,
                       "enqueueing again keeps the job")

        XCTAssertNil(try store.nextDueUpload(at: at(4)))
        XCTAssertEqual(try store.nextDueUpload(at: at(100))?.id, b.id)
        XCTAssertTrue(try store.markUploading(id: b.id, at: at(11)))
        XCTAssertFalse(try store.markUploading(id: b.id, at: at(11)), "already claimed")
        try store.markUploadFailed(id: b.id, error: "HTTP 503", retryAt: at(60), at: at(12))
        XCTAssertEqual(try store.nextDueUpload(at: at(100))?.id, c.id)
        XCTAssertTrue(try store.markUploading(id: c.id, at: at(12)))
        try store.markUploadDone(id: c.id, at: at(13))
        XCTAssertEqual(try store.nextDueUpload(at: at(59))?.id, a.id)
        XCTAssertTrue(try store.markUploading(id: a.id, at: at(13)))
        try store.saveResumeToken(id: a.id, #"{"blocks":["AAA"]}"#, at: at(14))
        XCTAssertEqual(try store.nextDueUpload(at: at(59)), nil, "a is uploading, b waits until 60")
        XCTAssertEqual(try store.nextDueUpload(at: at(60))?.id, b.id)

        let failed = try XCTUnwrap(store.uploads(states: [.failed]).first)
        XCTAssertEqual(failed.attempts, 1)
        XCTAssertEqual(failed.lastError, "HTTP 503")
        XCTAssertEqual(try store.uploads().map(\.state), [.uploading, .failed, .done])
        XCTAssertEqual(try store.uploads(states: [.uploading]).first?.resumeToken, #"{"blocks":["AAA"]}"#)

        // A crash while a was uploading: the next start puts it back in the queue.
        let reopened = try temporary.open()
        XCTAssertEqual(try reopened.resetInterruptedUploads(at: at(20)), 1)
        XCTAssertEqual(try reopened.nextDueUpload(at: at(20))?.id, a.id)

        try reopened.markUploadFailed(id: b.id, error: "403 forbidden", retryAt: nil, at: at(61))
        XCTAssertNotEqual(try reopened.nextDueUpload(at: at(10_000))?.id, b.id, "given up")
        XCTAssertThrowsError(try reopened.markUploadDone(id: 999, at: at(1)))
    }

    func testStoredFiles_uploadedMeansEveryTarget() throws {
        let store = try temporary.open()
        try store.save(makeEvent("a", start: 0))
        try store.addSnapshot(EventSnapshot(eventID: "a", path: "/s/a.jpg", bytes: 100, created: at(1)))
        try store.addClip(Clip(eventID: "a", path: "/c/a.mp4", start: at(0), codec: "h264"), created: at(0))
        try store.addClip(Clip(eventID: "a", path: "/c/a-writing.mp4", start: at(3), codec: "h264"), created: at(3))
        try store.finalizeClip(path: "/c/a.mp4", end: at(2), bytes: 1000)
        for target in ["azure", "s3"] {
            let job = try store.enqueueUpload(kind: .snapshot, localPath: "/s/a.jpg", target: target, objectName: "a.jpg", at: at(1))
            _ = try store.markUploading(id: job.id, at: at(2))
            try store.markUploadDone(id: job.id, at: at(3))
        }
        let job = try store.enqueueUpload(kind: .clip, localPath: "/c/a.mp4", target: "azure", objectName: "a.mp4", at: at(1))
        _ = try store.markUploading(id: job.id, at: at(2))
        try store.markUploadDone(id: job.id, at: at(3))

        let files = try store.storedFiles(uploadTargets: ["azure", "s3"])
        XCTAssertEqual(files.map(\.path), ["/c/a.mp4", "/s/a.jpg"], "oldest first; the clip still writing is left out")
        XCTAssertEqual(files.map(\.uploaded), [false, true])
        XCTAssertEqual(try store.storedFiles(uploadTargets: ["azure"]).map(\.uploaded), [true, true])
        XCTAssertEqual(try store.storedFiles(uploadTargets: []).map(\.uploaded), [false, false])
    }
}
