import Foundation
import VigilMedia
import VigilTestSupport
import XCTest

/// A real RTSP server (GStreamer's, scripts/rtsp-server.py) on 127.0.0.1, started per test.
final class RTSPSourceTests: XCTestCase {
    private func startServer(port: Int, credentials: (String, String)? = nil) throws -> ChildProcess {
        var arguments = ["--port", String(port)]
        if let (user, password) = credentials { arguments += ["--user", user, "--password", password] }
        return try ServerProcess.start(script: "rtsp-server.py", arguments: arguments)
    }

    private func assertFramesArrive(transport: SourceOptions.RTSPTransport) throws {
        let port = try TestSupport.freePort()
        let server = try startServer(port: port)
        defer { server.kill() }
        let source = try FrameSource(parsing: "rtsp://127.0.0.1:\(port)/test", options: SourceOptions(rtspTransport: transport))
        source.start()
        defer { source.stop() }
        let first = try XCTUnwrap(source.next(after: 0, timeout: 30), "no frame; status \(source.status)")
        let second = try XCTUnwrap(source.next(after: first.sequence, timeout: 30), "no second frame; status \(source.status)")
        XCTAssertGreaterThan(second.sequence, first.sequence)
        XCTAssertEqual(first.width, 320)
        XCTAssertEqual(first.height, 240)
        XCTAssertEqual(source.status.state, .streaming)
        XCTAssertEqual(source.status.stream?.codecName, "h264")
        XCTAssertEqual(source.status.stream?.containerName, "rtsp")
    }

    func test_tcpTransport_deliversFrames() throws {
        try assertFramesArrive(transport: .tcp)
    }

    func test_udpTransport_deliversFrames() throws {
        try assertFramesArrive(transport: .udp)
    }

    func test_serverKilledAndRestarted_reconnectsAndResumes() throws {
        let port = try TestSupport.freePort()
        var server = try startServer(port: port)
        defer { server.kill() }
        let log = LogCapture()
        let source = FrameSource(spec: .rtsp(url: "rtsp://127.0.0.1:\(port)/test"),
                                 options: SourceOptions(readTimeout: 5), logger: log.logger())
        source.start()
        defer { source.stop() }
        XCTAssertNotNil(source.next(after: 0, timeout: 30), "no frame; status \(source.status)")

        server.kill()
        try TestSupport.waitUntil("the source to notice the loss") {
            if case .reconnecting = source.status.state { return true } else { return false }
        }
        let lost = source.status
        XCTAssertNotNil(lost.lastError)
        XCTAssertTrue(lost.lastError?.contains("rtsp://127.0.0.1:\(port)/test") ?? false, "\(lost)")

        server = try startServer(port: port)
        let resumed = try XCTUnwrap(source.next(after: lost.framesRead, timeout: 30), "no frame after restart; status \(source.status)")
        XCTAssertGreaterThan(resumed.sequence, lost.framesRead)
        XCTAssertGreaterThanOrEqual(source.status.reconnects, 1)
        XCTAssertEqual(source.status.state, .streaming)
        XCTAssertTrue(log.lines.contains { $0.contains("reconnect attempt 1") }, "one log line per attempt: \(log.lines)")
    }

    func test_credentials_workAndNeverAppearInStatusOrLogs() throws {
        let port = try TestSupport.freePort()
        let password = "Hunter2-Secret!"
        let server = try startServer(port: port, credentials: ("viewer", password))
        defer { server.kill() }
        let encoded = password.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed)!

        // The right password: frames arrive.
        let log = LogCapture()
        let good = try FrameSource(parsing: "rtsp://viewer:\(encoded)@127.0.0.1:\(port)/test", logger: log.logger())
        good.start()
        defer { good.stop() }
        XCTAssertNotNil(good.next(after: 0, timeout: 30), "no frame with credentials; status \(good.status)")

        // A wrong password: the source keeps retrying and says why, without the password.
        let wrong = "Wrong-\(password)"
        let bad = try FrameSource(parsing: "rtsp://viewer:\(wrong)@127.0.0.1:\(port)/test", logger: log.logger())
        bad.start()
        defer { bad.stop() }
        try TestSupport.waitUntil("the wrong password to be refused") { bad.status.lastError != nil }
        let status = bad.status
        let lastError = try XCTUnwrap(status.lastError)
        XCTAssertTrue(lastError.contains("rtsp://***@127.0.0.1:\(port)/test"), lastError)
        XCTAssertTrue(lastError.contains("401") || lastError.lowercased().contains("authoriz"), lastError)
        guard case .reconnecting = status.state else { return XCTFail("a refused login is retried: \(status.state)") }

        good.stop()
        bad.stop()
        let everything = ([lastError, "\(status)", "\(good.status)", "\(bad.spec)", bad.spec.redacted] + log.lines).joined(separator: "\n")
        XCTAssertFalse(log.lines.isEmpty)
        for secret in [password, encoded, wrong] {
            XCTAssertFalse(everything.contains(secret), "'\(secret)' leaked:\n\(everything)")
        }
    }
}
