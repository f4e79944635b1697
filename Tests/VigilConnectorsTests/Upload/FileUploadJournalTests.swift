import Foundation
import XCTest
@testable import VigilConnectors

final class FileUploadJournalTests: XCTestCase {
    func testSaveAndReopen_roundTripsEveryFieldAndLeavesNoTemporaryFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("uploads.json")

        var item = UploadItem(id: "clips/e1/clip", file: "/data/e1.mp4", target: "clips", objectName: "cam/2024-01-02/e1.mp4",
                              contentType: "video/mp4", metadata: ["camera": "cam", "score": "0.91"], size: 12,
                              md5: "abc", createdAt: Date(timeIntervalSince1970: 1_700_000_000))
        item.state = .failed(reason: "HTTP 403")
        item.resume = .s3Multipart(uploadID: "u-1", partSize: 5_242_880, parts: [.init(number: 1, etag: "e1", size: 5_242_880)])
        let other = UploadItem(id: "b", file: "/b", target: "clips", objectName: "b", contentType: "image/jpeg", metadata: [:],
                               size: 1, md5: "d", createdAt: Date(timeIntervalSince1970: 1_700_000_001))
        do {
            let journal = try FileUploadJournal(url: url)
            try journal.save(item)
            try journal.save(other)
            try journal.remove(id: "b")
            try journal.save(other)
        }
        let reopened = try FileUploadJournal(url: url)
        XCTAssertEqual(try reopened.load(), [item, other])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["uploads.json"])
    }

    func testCorruptFile_failsWithThePath() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-journal-\(UUID().uuidString).json")
        try Data("{not json".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try FileUploadJournal(url: url)) { error in
            XCTAssertEqual((error as? UploadError)?.context, url.path)
        }
    }
}
