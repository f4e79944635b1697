import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import VigilTestSupport
import XCTest

/// `vigil display` fed over MQTT and over Dapr, writing the Sense HAT framebuffer to a plain file.
final class DisplayRoleTests: XCTestCase {
    static let goldens = SharedAssets.packageRoot.appendingPathComponent("Tests/VigilConnectorsTests/Display/Goldens")

    /// The golden framebuffer bytes of a display case (made by scripts/make-display-goldens.py).
    func golden(_ name: String) throws -> [UInt8] {
        let text = try String(contentsOf: Self.goldens.appendingPathComponent("\(name).rgb565.hex"), encoding: .utf8)
        return text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { UInt8($0, radix: 16)! }
    }

    func framebuffer(_ url: URL) -> [UInt8] { (try? [UInt8](Data(contentsOf: url))) ?? [] }

    func testMQTT_seedAndVigilPayloadsReachTheMatrix() throws {
        try RoleFixtures.requireTools(["mosquitto", "mosquitto_pub"])
        let broker = try MosquittoBroker()
        try broker.start()
        defer { broker.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-display-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fb = folder.appendingPathComponent("fb")
        FileManager.default.createFile(atPath: fb.path, contents: Data(count: 128))

        let display = try ChildProcess(VigilBinary.url, ["display"], environment: [
            "VIGIL_MQTT_URL": "mqtt://127.0.0.1:\(broker.port)", "VIGIL_DISPLAY_SENSE_HAT": fb.path,
            "VIGIL_DISPLAY_LOW_LIGHT": "false", "THRESHOLD": "0.6", "VIGIL_SERVER_PORT": "0",
        ])
        defer { display.terminate() }
        let running = try display.waitForLine(containing: "vigil display running")
        // Without Dapr the role still answers its probes (a DaemonSet's liveness and readiness).
        let probe = String(running[running.range(of: "http://")!.lowerBound...])
        XCTAssertEqual(try EventsRoleTests.load(URLRequest(url: URL(string: probe)!)).1?.statusCode, 200, running)
        let publish = RoleFixtures.which("mosquitto_pub")!
        // Vigil's own message shape.
        let apple = #"{"camera":"cam1","predictions":[{"probability":0.93,"tagId":"","tagName":"apple"},{"probability":0.05,"tagId":"","tagName":"banana"}]}"#
        let appleBytes = try golden("apple")
        XCTAssertTrue(RoleFixtures.wait(timeout: 20) {
            // Re-sent until the subscription is in place (the display may still be connecting).
            _ = try? RoleFixtures.run(publish, ["-p", "\(broker.port)", "-t", "vigil/cam1/predictions", "-m", apple])
            return self.framebuffer(fb) == appleBytes
        }, display.printed)
        // The seed capture module's shape: the document as a JSON string literal.
        let seed = #""{\"created\": \"2024-01-01T00:00:00\", \"id\": \"\", \"iteration\": \"\", \"predictions\": [{\"probability\": 0.2, \"tagId\": \"\", \"tagName\": \"apple\"}], \"project\": \"\"}""#
        try RoleFixtures.run(publish, ["-p", "\(broker.port)", "-t", "vigil/cam1/predictions", "-m", seed])
        XCTAssertTrue(RoleFixtures.wait(timeout: 20) { self.framebuffer(fb) == [UInt8](repeating: 0, count: 128) },
                      "below the threshold the matrix is blank")
        XCTAssertEqual(display.terminate(), 0)
    }

    func testDapr_captureToDisplayThroughASidecarStandIn() throws {
        try RoleFixtures.requireTools(["ffmpeg", "python3"])
        let videos = try RoleFixtures.makeVideos()
        defer { try? FileManager.default.removeItem(at: videos) }
        let fb = videos.appendingPathComponent("fb")
        FileManager.default.createFile(atPath: fb.path, contents: Data(count: 128))

        let display = try ChildProcess(VigilBinary.url, ["display"], environment: [
            "VIGIL_DAPR_ENABLED": "true", "VIGIL_SERVER_PORT": "0", "VIGIL_DISPLAY_SENSE_HAT": fb.path,
            "VIGIL_DISPLAY_LOW_LIGHT": "false",
        ])
        defer { display.terminate() }
        let line = try display.waitForLine(containing: "Dapr delivers to")
        let appPort = try XCTUnwrap(Int(line.split(separator: ":").last!.prefix { $0.isNumber }))
        // Dapr's sidecar is not packaged for Debian or PyPI: a stand-in relays publishes to the app
        // the way daprd does (GET /dapr/subscribe, then CloudEvents POSTed to the route it names).
        let sidecar = try ChildProcess(URL(fileURLWithPath: "/usr/bin/python3"),
                                       [SharedAssets.packageRoot.appendingPathComponent("scripts/dapr-standin.py").path,
                                        "--app-port", "\(appPort)"])
        defer { sidecar.terminate() }
        let ready = try sidecar.waitForLine(containing: "dapr stand-in on port")
        let daprPort = try XCTUnwrap(Int(ready.split(separator: " ").last!))

        let output = try RoleFixtures.run(VigilBinary.url, ["capture", "--model", RoleFixtures.demoModel.path], environment: [
            "VIDEO_PATH": videos.appendingPathComponent("camera.mp4").path, "DAPR_HTTP_PORT": "\(daprPort)", "LOG_LEVEL": "warning",
        ])
        // The last frames show the green shape: no icon, so the matrix is green's colour block.
        XCTAssertTrue(RoleFixtures.wait(timeout: 20) {
            let bytes = self.framebuffer(fb)
            let pixels = Set(stride(from: 0, to: bytes.count, by: 2).map { UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8 })
            return bytes.count == 128 && pixels.count == 1 && pixels.first != 0
        }, "framebuffer: \(framebuffer(fb)); capture: \(output); sidecar: \(sidecar.printed); display: \(display.printed)")
        XCTAssertTrue(sidecar.printed.contains("delivered \(RoleFixtures.frameCount)"), sidecar.printed)
    }
}
