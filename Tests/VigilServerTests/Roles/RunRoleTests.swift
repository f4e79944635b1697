import Foundation
import VigilTestSupport
import XCTest

/// `vigil run` end to end: two file cameras (H.264 MP4 and MJPEG AVI), the demo model and a real
/// Mosquitto broker; what arrives over MQTT must be what `vigil predict` says of the same frames.
final class RunRoleTests: XCTestCase {
    func config(broker: MosquittoBroker, videos: URL, extra: String = "") -> URL {
        let yaml = """
            node: e2e
            server:
              enabled: false
            models:
              - name: demo
                path: \(RoleFixtures.demoModel.path)
            mqtt:
              url: mqtt://127.0.0.1:\(broker.port)
              keep_alive: 5
            cameras:
              - name: cam1
                source: \(videos.appendingPathComponent("camera.mp4").path)
              - name: cam2
                source: \(videos.appendingPathComponent("camera.avi").path)
            \(extra)
            """
        let url = videos.appendingPathComponent("vigil.yaml")
        try? yaml.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testTwoCameras_publishWhatPredictSaysOfTheSameFrames() throws {
        try RoleFixtures.requireTools()
        let videos = try RoleFixtures.makeVideos()
        defer { try? FileManager.default.removeItem(at: videos) }
        let broker = try MosquittoBroker()
        try broker.start()
        defer { broker.stop() }
        let subscriber = try MosquittoSubscriber(port: broker.port, topics: ["vigil/#", "homeassistant/#"])
        defer { subscriber.stop() }
        try subscriber.waitUntilSubscribed()

        let configFile = config(broker: broker, videos: videos, extra: "")
        try String(contentsOf: configFile, encoding: .utf8)
            .replacingOccurrences(of: "  keep_alive: 5\n", with: "  keep_alive: 5\n  home_assistant: true\n")
            .write(to: configFile, atomically: true, encoding: .utf8)
        let vigil = try ChildProcess(VigilBinary.url, ["run", "--config", configFile.path],
                                     environment: ["LOG_LEVEL": "warning"])
        defer { vigil.terminate() }
        func predictions(_ camera: String) -> [[String: Any]] {
            subscriber.messages.filter { $0.topic == "vigil/\(camera)/predictions" }.compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.payload.utf8))) as? [String: Any]
            }
        }
        // Files play once in real time (10 fps); the demo model keeps up, so every frame is scored.
        let done = RoleFixtures.wait(timeout: 90) {
            predictions("cam1").count >= RoleFixtures.frameCount && predictions("cam2").count >= RoleFixtures.frameCount
        }
        XCTAssertTrue(done, "messages: cam1 \(predictions("cam1").count), cam2 \(predictions("cam2").count)\n\(vigil.printed)")

        for (camera, file) in [("cam1", "camera.mp4"), ("cam2", "camera.avi")] {
            let frames = try RoleFixtures.referenceFrames(of: videos.appendingPathComponent(file),
                                                          into: videos.appendingPathComponent("ref-\(camera)"))
            XCTAssertEqual(frames.count, RoleFixtures.frameCount)
            let expected = try RoleFixtures.predict(frames)
            let messages = predictions(camera)
            XCTAssertEqual(Set(messages.compactMap { $0["sequence"] as? Int }), Set(1...RoleFixtures.frameCount), camera)
            for message in messages {
                let sequence = try XCTUnwrap(message["sequence"] as? Int)
                XCTAssertEqual(message["camera"] as? String, camera)
                XCTAssertEqual(message["model"] as? String, "demo")
                XCTAssertNotNil(message["frameTime"] as? String)
                let got = (message["predictions"] as? [[String: Any]] ?? []).map {
                    ($0["tagName"] as? String ?? "", ($0["probability"] as? NSNumber)?.doubleValue ?? -1)
                }
                let want = expected[sequence - 1]
                XCTAssertEqual(got.map(\.0), want.map(\.0), "\(camera) frame \(sequence)")
                // Same pixels (same decoder and scaler flags), same model: the same numbers.
                for (g, w) in zip(got, want) { XCTAssertEqual(g.1, w.1, accuracy: 1e-6, "\(camera) frame \(sequence) \(g.0)") }
            }
        }
        // Counts per tag and camera status are retained topics; the instance announced itself.
        XCTAssertTrue(subscriber.messages.contains { $0.topic == "vigil/nodes/e2e/available" && $0.payload == "online" })
        // (Tags with spaces make the subscriber's "topic payload" lines ambiguous: match the raw line.)
        XCTAssertTrue(subscriber.printed.contains("vigil/cam1/red shape 1\n"), subscriber.printed)
        XCTAssertTrue(subscriber.printed.contains("vigil/cam1/green shape 1\n"), subscriber.printed)
        XCTAssertTrue(subscriber.messages.contains { $0.topic == "vigil/cam2/status" && $0.payload.contains("\"state\":\"ended\"") })

        // Home Assistant discovery: one retained sensor per camera and tag, pointing at the count topic.
        let discovery = try XCTUnwrap(subscriber.messages.first { $0.topic == "homeassistant/sensor/e2e_cam1_red_shape/config" },
                                      subscriber.printed)
        let sensor = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(discovery.payload.utf8))) as? [String: Any])
        XCTAssertEqual(sensor["state_topic"] as? String, "vigil/cam1/red shape")
        XCTAssertEqual(sensor["availability_topic"] as? String, "vigil/nodes/e2e/available")

        // SIGTERM: a clean stop says offline itself.
        XCTAssertEqual(vigil.terminate(), 0, vigil.printed)
        XCTAssertTrue(subscriber.wait(timeout: 10) { $0.last { $0.topic == "vigil/nodes/e2e/available" }?.payload == "offline" })
    }

    func testKilledProcess_brokerPublishesTheLastWill() throws {
        try RoleFixtures.requireTools()
        let videos = try RoleFixtures.makeVideos()
        defer { try? FileManager.default.removeItem(at: videos) }
        let broker = try MosquittoBroker()
        try broker.start()
        defer { broker.stop() }
        let subscriber = try MosquittoSubscriber(port: broker.port, topics: ["vigil/nodes/e2e/available"])
        defer { subscriber.stop() }
        try subscriber.waitUntilSubscribed()
        let vigil = try ChildProcess(VigilBinary.url, ["run", "--config", config(broker: broker, videos: videos).path],
                                     environment: ["LOG_LEVEL": "warning"])
        XCTAssertTrue(subscriber.wait(timeout: 30) { $0.last?.payload == "online" }, vigil.printed)
        vigil.kill()
        // The broker notices the dead socket at once (or after 1.5 × keep_alive = 7.5 s at most).
        XCTAssertTrue(subscriber.wait(timeout: 15) { $0.last?.payload == "offline" }, subscriber.printed)
    }
}
