import Foundation
import VigilTestSupport
import XCTest

/// The camera dashboard of `vigil run` in headless Chromium: the live MJPEG view decodes, the
/// status shows the camera streaming, and predictions arrive over Server-Sent Events.
///
/// The page streams forever, so it is driven over the DevTools protocol (scripts/browser-eval.py)
/// rather than with `--dump-dom`, whose virtual time never advances past an open stream.
final class DashboardBrowserTests: XCTestCase {
    func testDashboard_showsTheLiveCameraAndItsPredictions() throws {
        try RoleFixtures.requireTools(["chromium"])
        guard (try? RoleFixtures.run(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", "import websocket"])) != nil else {
            throw XCTSkip("python3-websocket is not installed (`make test` installs it)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-dash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("vigil.yaml")
        try """
            server:
              port: 0
            models:
              - name: demo
                path: \(RoleFixtures.demoModel.path)
            cameras:
              - name: yard
                source: \(SharedAssets.packageRoot.appendingPathComponent("demo/video.mp4").path)
                loop: true
            """.write(to: config, atomically: true, encoding: .utf8)
        let vigil = try ChildProcess(VigilBinary.url, ["run", "--config", config.path], environment: ["LOG_LEVEL": "warning"])
        defer { vigil.terminate() }
        let line = try vigil.waitForLine(containing: "dashboard: http://")
        let url = String(line[line.range(of: "http://")!.lowerBound...])

        let output = try RoleFixtures.run(URL(fileURLWithPath: "/usr/bin/python3"), [
            SharedAssets.packageRoot.appendingPathComponent("scripts/browser-eval.py").path, url,
            "--until", ##"document.querySelectorAll("#feed li").length >= 3 && document.querySelector(".camera img")?.naturalWidth > 0 && document.querySelector(".camera .state")?.textContent === "streaming""##,
            "--print", ##"{camera: document.querySelector(".camera").dataset.camera, size: [document.querySelector(".camera img").naturalWidth, document.querySelector(".camera img").naturalHeight], feed: document.querySelector("#feed li").textContent, models: document.querySelector("#models").textContent}"##,
        ])
        let shown = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(output.utf8))) as? [String: Any], output)
        XCTAssertEqual(shown["camera"] as? String, "yard")
        XCTAssertEqual(shown["size"] as? [Int], [640, 480])
        XCTAssertTrue((shown["feed"] as? String)?.contains("yard") == true, output)
        XCTAssertTrue((shown["models"] as? String)?.hasPrefix("demo — classification") == true, output)
        XCTAssertEqual(vigil.terminate(), 0, "SIGTERM ends vigil run cleanly even with streams open")
    }
}
