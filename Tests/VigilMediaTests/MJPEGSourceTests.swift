import Foundation
import VigilMedia
import VigilTestSupport
import XCTest

/// MJPEG over HTTP (multipart/x-mixed-replace) from scripts/mjpeg-server.py on 127.0.0.1.
final class MJPEGSourceTests: XCTestCase {
    func test_mjpegStream_deliversFramesAndResumesAfterARestart() throws {
        let folder = try TestSupport.temporaryFolder(self)
        try TestSupport.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-frames:v", "25", "-q:v", "5",
                                folder.appendingPathComponent("frame%03d.jpg").path])
        let port = try TestSupport.freePort()
        let arguments = ["--port", String(port), "--folder", folder.path, "--rate", "25"]
        var server = try ServerProcess.start(script: "mjpeg-server.py", arguments: arguments)
        defer { server.kill() }

        let source = try FrameSource(parsing: "http://127.0.0.1:\(port)/stream")
        source.start()
        defer { source.stop() }
        let first = try XCTUnwrap(source.next(after: 0, timeout: 30), "no frame; status \(source.status)")
        XCTAssertEqual(first.width, 320)
        XCTAssertEqual(first.height, 240)
        XCTAssertNotNil(source.next(after: first.sequence, timeout: 30))
        XCTAssertEqual(source.status.stream?.containerName, "mpjpeg", "chosen from the multipart MIME type")
        XCTAssertEqual(source.status.stream?.codecName, "mjpeg")

        server.kill()
        try TestSupport.waitUntil("the source to notice the loss") {
            if case .reconnecting = source.status.state { return true } else { return false }
        }
        let lost = source.status
        XCTAssertNotNil(lost.lastError)

        server = try ServerProcess.start(script: "mjpeg-server.py", arguments: arguments)
        let resumed = try XCTUnwrap(source.next(after: lost.framesRead, timeout: 30), "no frame after restart; status \(source.status)")
        XCTAssertGreaterThan(resumed.sequence, lost.framesRead)
        XCTAssertGreaterThanOrEqual(source.status.reconnects, 1)
    }
}
