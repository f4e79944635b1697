import Foundation
@testable import VigilMedia
import XCTest

/// Parsing user strings into sources, and keeping credentials out of text.
final class SourceSpecTests: XCTestCase {
    func test_parsing_bareIntegerIsAV4L2Device() throws {
        XCTAssertEqual(try SourceSpec(parsing: "0"), .device(path: "/dev/video0"))
        XCTAssertEqual(try SourceSpec(parsing: " 2 "), .device(path: "/dev/video2"))
    }

    func test_parsing_devicePathIsAV4L2Device() throws {
        XCTAssertEqual(try SourceSpec(parsing: "/dev/video0"), .device(path: "/dev/video0"))
        XCTAssertTrue(try SourceSpec(parsing: "/dev/video0").isLive)
    }

    func test_parsing_urls() throws {
        XCTAssertEqual(try SourceSpec(parsing: "rtsp://cam:554/live"), .rtsp(url: "rtsp://cam:554/live"))
        XCTAssertEqual(try SourceSpec(parsing: "RTSPS://cam/live"), .rtsp(url: "RTSPS://cam/live"))
        XCTAssertEqual(try SourceSpec(parsing: "http://cam/video.mjpg"), .http(url: "http://cam/video.mjpg"))
        XCTAssertEqual(try SourceSpec(parsing: "https://cam/video.mjpg"), .http(url: "https://cam/video.mjpg"))
    }

    func test_parsing_pathsAreFilesOrFolders() throws {
        let folder = FileManager.default.temporaryDirectory.path
        XCTAssertEqual(try SourceSpec(parsing: folder), .imageFolder(path: folder))
        XCTAssertEqual(try SourceSpec(parsing: "/data/clip.mp4"), .file(path: "/data/clip.mp4"))
        XCTAssertEqual(try SourceSpec(parsing: "relative/clip.mkv"), .file(path: "relative/clip.mkv"))
        XCTAssertEqual(try SourceSpec(parsing: "file:///data/clip.mp4"), .file(path: "/data/clip.mp4"))
        XCTAssertFalse(try SourceSpec(parsing: "/data/clip.mp4").isLive)
    }

    func test_parsing_emptyStringThrows() {
        XCTAssertThrowsError(try SourceSpec(parsing: "  "))
    }

    func test_redacted_hidesUserAndPassword() throws {
        let spec = try SourceSpec(parsing: "rtsp://admin:pa:ss@word@10.0.0.5:554/Streaming/101?channel=1")
        XCTAssertEqual(spec.redacted, "rtsp://***@10.0.0.5:554/Streaming/101?channel=1")
        XCTAssertEqual("\(spec)", spec.redacted)
        XCTAssertEqual(try SourceSpec(parsing: "http://user@cam/x").redacted, "http://***@cam/x")
        XCTAssertEqual(try SourceSpec(parsing: "http://cam/x").redacted, "http://cam/x")
    }

    func test_redacted_hidesSecretQueryValues() throws {
        let spec = try SourceSpec(parsing: "http://cam/video.cgi?user=admin&pwd=secret&resolution=640x480")
        XCTAssertEqual(spec.redacted, "http://cam/video.cgi?user=admin&pwd=***&resolution=640x480")
    }

    func test_scrub_removesCredentialsFromAnyMessage() throws {
        let spec = try SourceSpec(parsing: "rtsp://admin:s3cr%40t@cam/live")
        XCTAssertEqual(spec.password, "s3cr@t")
        let message = "[tcp] Connection to rtsp://admin:s3cr%40t@cam/live failed; auth with s3cr@t refused"
        XCTAssertEqual(spec.scrub(message), "[tcp] Connection to rtsp://***@cam/live failed; auth with *** refused")
    }

    func test_redactingURLs_handlesSeveralURLs() {
        let text = "from rtsp://a:b@x/1 to 'http://c:d@y/2?token=t' done"
        XCTAssertEqual(CredentialRedaction.redactingURLs(in: text), "from rtsp://***@x/1 to 'http://***@y/2?token=***' done")
    }
}
