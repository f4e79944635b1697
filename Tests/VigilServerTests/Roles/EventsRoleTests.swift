import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import VigilTestSupport
import XCTest

/// Events end to end: `vigil run` on the demo video with event rules makes events with a
/// snapshot and a remuxed clip, publishes them on `vigil/nodes/<node>/events`, serves them over the API (clip
/// with range requests), lists them with `vigil events`, and the events page plays the clip.
final class EventsRoleTests: XCTestCase {
    func testDemoCamera_eventsHaveSnapshotsClipsMessagesAndAPI() throws {
        try RoleFixtures.requireTools(["ffmpeg", "ffprobe", "mosquitto", "mosquitto_sub"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-events-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let broker = try MosquittoBroker()
        try broker.start()
        defer { broker.stop() }
        let subscriber = try MosquittoSubscriber(port: broker.port, topics: ["vigil/nodes/yard-node/events"])
        defer { subscriber.stop() }
        try subscriber.waitUntilSubscribed()

        let config = folder.appendingPathComponent("vigil.yaml")
        try """
            node: yard-node
            server:
              port: 0
            models:
              - name: demo
                path: \(RoleFixtures.demoModel.path)
            mqtt:
              url: mqtt://127.0.0.1:\(broker.port)
            cameras:
              - name: yard
                source: \(SharedAssets.packageRoot.appendingPathComponent("demo/video.mp4").path)
                loop: true
                fps: 5
                events:
                  labels: [red shape]
                  quiet_seconds: 1
            storage:
              pre_roll: 2
              post_roll: 1
            """.write(to: config, atomically: true, encoding: .utf8)
        let vigil = try ChildProcess(VigilBinary.url, ["run", "--config", config.path], environment: ["LOG_LEVEL": "warning"])
        defer { vigil.terminate() }
        let line = try vigil.waitForLine(containing: "dashboard: http://")
        let base = String(line[line.range(of: "http://")!.lowerBound...]).replacingOccurrences(of: "/dashboard", with: "")

        // The demo video shows the red shape for its first two seconds of every ten.
        var event: [String: Any] = [:]
        XCTAssertTrue(RoleFixtures.wait(timeout: 60) {
            guard let data = try? Data(contentsOf: URL(string: base + "/api/events")!),
                  let body = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let found = (body["events"] as? [[String: Any]])?.first(where: { $0["clip"] is String }) else { return false }
            event = found
            return true
        }, vigil.printed)
        let id = try XCTUnwrap(event["id"] as? String)
        XCTAssertEqual(event["label"] as? String, "red shape")
        XCTAssertEqual(event["camera"] as? String, "yard")
        XCTAssertEqual(event["has_snapshot"] as? Bool, true)
        XCTAssertNotNil(event["end_time"] as? Double)

        // Snapshot, clip and a byte range of it.
        let snapshot = try Data(contentsOf: URL(string: base + "/api/events/\(id)/snapshot.jpg?boxes=1")!)
        XCTAssertEqual(Array(snapshot.prefix(3)), [0xFF, 0xD8, 0xFF])
        let clipURL = folder.appendingPathComponent("clip.mp4")
        try Data(contentsOf: URL(string: base + "/api/events/\(id)/clip.mp4")!).write(to: clipURL)
        let probe = try RoleFixtures.run(RoleFixtures.which("ffprobe")!, ["-v", "error", "-select_streams", "v", "-show_entries",
                                                                        "stream=codec_name:format=duration", "-of", "default=nw=1", clipURL.path])
        XCTAssertTrue(probe.contains("codec_name=h264"), probe)
        let duration = Double(probe.split(separator: "\n").first { $0.hasPrefix("duration=") }?.dropFirst(9) ?? "") ?? 0
        // Pre-roll 2 s + the red scene (2 s, ended after 1 s of quiet) + post-roll 1 s, on 1 s GOPs.
        XCTAssertGreaterThan(duration, 3.0, probe)
        XCTAssertLessThan(duration, 8.5, probe)
        try RoleFixtures.run(RoleFixtures.which("ffmpeg")!, ["-v", "error", "-xerror", "-i", clipURL.path, "-f", "null", "-"])
        var request = URLRequest(url: URL(string: base + "/api/events/\(id)/clip.mp4")!)
        request.setValue("bytes=0-99", forHTTPHeaderField: "Range")
        let (ranged, response) = try Self.load(request)
        XCTAssertEqual(response?.statusCode, 206)
        XCTAssertEqual(ranged.count, 100)
        XCTAssertTrue(ranged.prefix(12).contains(0x66), "an MP4 starts with its ftyp box")

        // MQTT: new then end for the event, in Frigate's shape.
        XCTAssertTrue(subscriber.wait(timeout: 20) { messages in
            messages.contains { $0.payload.contains("\"type\":\"new\"") && $0.payload.contains(id) }
                && messages.contains { $0.payload.contains("\"type\":\"end\"") && $0.payload.contains(id) }
        }, subscriber.printed)

        // The CLI reads the same database while vigil runs.
        let listed = try RoleFixtures.run(VigilBinary.url, ["events", "--config", config.path, "--json"])
        XCTAssertTrue(listed.contains("\"id\":\"\(id)\""), listed)
        XCTAssertTrue(listed.contains("\"clip_state\":\"finalized\""), listed)

        // The events page plays the clip in headless Chromium.
        if RoleFixtures.which("chromium") != nil {
            let page = try RoleFixtures.run(URL(fileURLWithPath: "/usr/bin/python3"), [
                SharedAssets.packageRoot.appendingPathComponent("scripts/browser-eval.py").path, base + "/events?play=\(id)",
                "--until", "document.getElementById('player').readyState >= 4",
                "--print", "{ready: document.getElementById('player').readyState, cards: document.querySelectorAll('article.event').length, width: document.getElementById('player').videoWidth}",
            ])
            let shown = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(page.utf8))) as? [String: Any], page)
            XCTAssertEqual(shown["ready"] as? Int, 4, "HAVE_ENOUGH_DATA")
            XCTAssertEqual(shown["width"] as? Int, 640)
            XCTAssertGreaterThanOrEqual(shown["cards"] as? Int ?? 0, 1)
        }

        // DELETE removes the event and its files.
        var delete = URLRequest(url: URL(string: base + "/api/events/\(id)")!)
        delete.httpMethod = "DELETE"
        XCTAssertEqual(try Self.load(delete).1?.statusCode, 204)
        XCTAssertEqual(try Self.load(URLRequest(url: URL(string: base + "/api/events/\(id)")!)).1?.statusCode, 404)
        XCTAssertEqual(vigil.terminate(), 0, vigil.printed)
    }

    static func load(_ request: URLRequest) throws -> (Data, HTTPURLResponse?) {
        final class Box: @unchecked Sendable { var result: (Data, HTTPURLResponse?) = (Data(), nil) }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, _ in
            box.result = (data ?? Data(), response as? HTTPURLResponse)
            done.signal()
        }.resume()
        done.wait()
        return box.result
    }
}
