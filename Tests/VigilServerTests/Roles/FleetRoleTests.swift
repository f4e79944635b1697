import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import VigilTestSupport
import XCTest

/// The fleet view: three `vigil run` nodes on loopback report to one Mosquitto; the node
/// configured with `fleet: true` lists all three with their cameras and recent events (in its API
/// and in its page, in headless Chromium), and a node killed with SIGKILL shows offline — the
/// broker's last will — within the keep-alive window (1.5 × keep_alive = 7.5 s here).
final class FleetRoleTests: XCTestCase {
    struct Node {
        let name: String
        let cameras: [String]
        var fleet = false
        var events = false
    }

    static let nodes = [
        Node(name: "hub", cameras: ["gate"], fleet: true),
        Node(name: "barn", cameras: ["stall"], events: true),
        Node(name: "shed", cameras: ["door", "roof"]),
    ]

    func config(_ node: Node, broker: MosquittoBroker, folder: URL) throws -> URL {
        let video = SharedAssets.packageRoot.appendingPathComponent("demo/video.mp4").path
        let cameras = node.cameras.map { camera in
            """
              - name: \(camera)
                source: \(video)
                loop: true
                fps: 2
            """ + (node.events ? "\n    events: {labels: [red shape], min_frames: 1, quiet_seconds: 1, clips: false, snapshots: false}" : "")
        }.joined(separator: "\n")
        let url = folder.appendingPathComponent("\(node.name).yaml")
        try """
            node: \(node.name)
            fleet: \(node.fleet)
            server:
              port: 0
              workers: 1
            storage:
              path: \(folder.appendingPathComponent("\(node.name)-data").path)
            models:
              - name: demo
                path: \(RoleFixtures.demoModel.path)
            mqtt:
              url: mqtt://127.0.0.1:\(broker.port)
              keep_alive: 5
            cameras:
            \(cameras)
            """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func fleet(_ base: String) -> [String: [String: Any]] {
        let (data, _) = (try? EventsRoleTests.load(URLRequest(url: URL(string: base + "/api/fleet")!))) ?? (Data(), nil)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        let nodes = object?["nodes"] as? [[String: Any]] ?? []
        return Dictionary(nodes.compactMap { node in (node["node"] as? String).map { ($0, node) } }, uniquingKeysWith: { a, _ in a })
    }

    static func cameras(_ node: [String: Any]?) -> [String] {
        ((node?["report"] as? [String: Any])?["cameras"] as? [[String: Any]] ?? []).compactMap { $0["camera"] as? String }
    }

    func testFleetDashboard_listsEveryNode_andAKilledNodeGoesOffline() throws {
        try RoleFixtures.requireTools(["mosquitto", "chromium"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-fleet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let broker = try MosquittoBroker()
        try broker.start()
        defer { broker.stop() }

        var processes: [String: ChildProcess] = [:]
        var bases: [String: String] = [:]
        defer { processes.values.forEach { $0.terminate() } }
        for node in Self.nodes {
            let vigil = try ChildProcess(VigilBinary.url, ["run", "--config", try config(node, broker: broker, folder: folder).path],
                                         environment: ["LOG_LEVEL": "warning"])
            processes[node.name] = vigil
            let line = try vigil.waitForLine(containing: "dashboard: http://")
            bases[node.name] = String(line[line.range(of: "http://")!.lowerBound...]).replacingOccurrences(of: "/dashboard", with: "")
        }
        let hub = bases["hub"]!

        // Every node online with its own cameras, its URL and, for the node with events, an event.
        var seen: [String: [String: Any]] = [:]
        let listed = RoleFixtures.wait(timeout: 60) {
            seen = Self.fleet(hub)
            return Self.nodes.allSatisfy { node in
                seen[node.name]?["online"] as? Bool == true && Self.cameras(seen[node.name]) == node.cameras
            } && !((seen["barn"]?["events"] as? [Any]) ?? []).isEmpty
        }
        XCTAssertTrue(listed, "fleet: \(seen)\nhub: \(processes["hub"]!.printed)")
        for node in Self.nodes {
            let report = seen[node.name]?["report"] as? [String: Any]
            XCTAssertEqual(report?["url"] as? String, bases[node.name]! + "/", "\(node.name) links to its own dashboard")
            XCTAssertEqual(report?["version"] as? String, "0.1.0")
            XCTAssertEqual(report?["fleet"] as? Bool, node.fleet)
            XCTAssertEqual(report?["events"] as? Bool, node.events)
        }
        let event = ((seen["barn"]?["events"] as? [[String: Any]])?.first?["after"]) as? [String: Any]
        XCTAssertEqual(event?["camera"] as? String, "stall")
        XCTAssertEqual(event?["label"] as? String, "red shape")
        // Only the fleet node serves the fleet view.
        XCTAssertEqual(try EventsRoleTests.load(URLRequest(url: URL(string: bases["shed"]! + "/api/fleet")!)).1?.statusCode, 404)

        // The page, in Chromium: a card per node, with its cameras and a link to the node's dashboard.
        let screenshot = folder.appendingPathComponent("fleet.png")
        let output = try RoleFixtures.run(URL(fileURLWithPath: "/usr/bin/python3"), [
            SharedAssets.packageRoot.appendingPathComponent("scripts/browser-eval.py").path, hub + "/fleet",
            "--screenshot", screenshot.path,
            "--until", ##"document.querySelectorAll("article.node").length === 3 && document.querySelectorAll("article.node h2 .state.streaming").length === 3"##,
            "--print", ##"[...document.querySelectorAll("article.node")].map(n => ({node: n.dataset.node, state: n.querySelector("h2 .state").textContent, cameras: [...n.querySelectorAll("li[data-camera]")].map(c => c.dataset.camera), dashboard: n.querySelector(".links a")?.href}))"##,
        ])
        let cards = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(output.utf8))) as? [[String: Any]], output)
        XCTAssertEqual(cards.compactMap { $0["node"] as? String }, ["barn", "hub", "shed"])
        XCTAssertEqual(cards.compactMap { $0["state"] as? String }, ["online", "online", "online"])
        XCTAssertEqual(cards.compactMap { $0["cameras"] as? [String] }, [["stall"], ["gate"], ["door", "roof"]])
        XCTAssertEqual(cards.last?["dashboard"] as? String, bases["shed"]! + "/dashboard")
        let png = try Data(contentsOf: screenshot)
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "a PNG screenshot of the fleet page")
        if let keep = ProcessInfo.processInfo.environment["VIGIL_SCREENSHOTS"] {
            try? FileManager.default.copyItem(at: screenshot, to: URL(fileURLWithPath: keep).appendingPathComponent("fleet.png"))
        }

        // SIGKILL one node: no goodbye, so only the broker's last will can say it is gone.
        let shed = processes.removeValue(forKey: "shed")!
        shed.kill()
        let killedAt = Date()
        let offline = RoleFixtures.wait(timeout: 15) {
            seen = Self.fleet(hub)
            return seen["shed"]?["online"] as? Bool == false
        }
        XCTAssertTrue(offline, "fleet: \(seen)")
        XCTAssertLessThan(Date().timeIntervalSince(killedAt), 7.5 + 1.5, "offline within 1.5 × keep_alive (+ a poll)")
        XCTAssertEqual(seen["shed"]?["available"] as? String, "offline")
        XCTAssertEqual(Self.cameras(seen["shed"]), ["door", "roof"], "an offline node keeps its last report")
        XCTAssertEqual(seen["hub"]?["online"] as? Bool, true)
        XCTAssertEqual(seen["barn"]?["online"] as? Bool, true)

        for name in ["barn", "hub"] {
            XCTAssertEqual(processes.removeValue(forKey: name)!.terminate(), 0, "SIGTERM ends \(name) cleanly")
        }
    }
}
