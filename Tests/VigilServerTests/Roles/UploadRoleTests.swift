import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import VigilTestSupport
import XCTest

/// Clips reach S3 from `vigil run`: moto (an S3 server from PyPI, in server mode on 127.0.0.1)
/// receives each event's clip once, with the bytes the device kept; the journal says done.
final class UploadRoleTests: XCTestCase {
    static let venv = ProcessInfo.processInfo.environment["VIGIL_MOTO_VENV"] ?? "/tmp/vigil-moto-venv"

    /// moto_server from a venv made on first use; skips (saying why) only when PyPI is unreachable.
    func motoServer() throws -> URL {
        let server = URL(fileURLWithPath: "\(Self.venv)/bin/moto_server")
        if FileManager.default.isExecutableFile(atPath: server.path) { return server }
        do {
            try RoleFixtures.run(URL(fileURLWithPath: "/usr/bin/python3"), ["-m", "venv", Self.venv])
            try RoleFixtures.run(URL(fileURLWithPath: "\(Self.venv)/bin/pip"), ["install", "--quiet", "moto[server]"])
        } catch {
            try? FileManager.default.removeItem(atPath: Self.venv)
            if "\(error)".contains("onnection") || "\(error)".contains("No matching distribution") {
                throw XCTSkip("PyPI unreachable, cannot install moto[server]: \(error)")
            }
            throw error
        }
        return server
    }

    /// moto on a free port with an empty bucket `clips`.
    func startMotoWithBucket() throws -> (ChildProcess, Int) {
        let port = try MosquittoBroker.freePort()
        let moto = try ChildProcess(try motoServer(), ["-H", "127.0.0.1", "-p", "\(port)"])
        XCTAssertTrue(RoleFixtures.wait(timeout: 60) { MosquittoBroker.accepts(port: port) }, moto.printed)
        var create = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/clips")!)
        create.httpMethod = "PUT"
        XCTAssertEqual(try EventsRoleTests.load(create).1?.statusCode, 200)
        return (moto, port)
    }

    func testEventClips_areUploadedOnceWithTheirBytes() throws {
        try RoleFixtures.requireTools(["ffmpeg"])
        let (moto, port) = try startMotoWithBucket()
        defer { moto.terminate() }

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-upload-\(UUID().uuidString)")
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
                fps: 5
                events:
                  labels: [red shape]
                  quiet_seconds: 1
            storage:
              pre_roll: 1
              post_roll: 1
            uploads:
              targets:
                - name: s3
                  type: s3
                  endpoint: http://127.0.0.1:\(port)
                  bucket: clips
                  access_key_id: AKIDEXAMPLE
                  secret_access_key: not-a-real-secret-123
                  object_name: "{camera}/{event_id}.{ext}"
            """.write(to: config, atomically: true, encoding: .utf8)
        let vigil = try ChildProcess(VigilBinary.url, ["run", "--config", config.path], environment: ["LOG_LEVEL": "info"])
        defer { vigil.terminate() }
        let line = try vigil.waitForLine(containing: "dashboard: http://")
        let base = String(line[line.range(of: "http://")!.lowerBound...]).replacingOccurrences(of: "/dashboard", with: "")

        var done: [[String: Any]] = []
        XCTAssertTrue(RoleFixtures.wait(timeout: 90) {
            guard let text = try? RoleFixtures.run(VigilBinary.url, ["uploads", "--config", config.path, "--json"]) else { return false }
            done = text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
                .filter { $0["state"] as? String == "done" }
            return !done.isEmpty
        }, vigil.printed)
        let upload = try XCTUnwrap(done.first)
        let local = try Data(contentsOf: URL(fileURLWithPath: try XCTUnwrap(upload["path"] as? String)))
        let object = try XCTUnwrap(upload["object"] as? String)
        XCTAssertTrue(object.hasPrefix("yard/") && object.hasSuffix(".mp4"), object)
        // Read back with boto3 (it comes with moto): an independent, signing S3 client.
        let copy = folder.appendingPathComponent("downloaded.mp4")
        try RoleFixtures.run(URL(fileURLWithPath: "\(Self.venv)/bin/python"), ["-c", """
            import boto3, sys
            s3 = boto3.client("s3", endpoint_url=sys.argv[1], aws_access_key_id="AKIDEXAMPLE",
                              aws_secret_access_key="x", region_name="us-east-1")
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket="clips").get("Contents", [])]
            assert keys.count(sys.argv[2]) == 1, keys
            s3.download_file("clips", sys.argv[2], sys.argv[3])
            """, "http://127.0.0.1:\(port)", object, copy.path])
        XCTAssertEqual(try Data(contentsOf: copy), local, "the bucket holds the clip's exact bytes")
        XCTAssertFalse(vigil.printed.contains("not-a-real-secret-123"), "the secret key never reaches the logs")

        // The events API and the metrics report it too.
        let events = String(decoding: try EventsRoleTests.load(URLRequest(url: URL(string: base + "/api/events")!)).0, as: UTF8.self)
        XCTAssertTrue(events.contains(#""uploads":[{"target":"s3","state":"done"}]"#), events)
        let metrics = String(decoding: try EventsRoleTests.load(URLRequest(url: URL(string: base + "/metrics")!)).0, as: UTF8.self)
        XCTAssertTrue(metrics.contains("vigil_events_started_total{camera=\"yard\"}"), metrics)
        XCTAssertTrue(metrics.contains("vigil_clips_written_total{camera=\"yard\"}"), metrics)
        XCTAssertTrue(metrics.contains("vigil_uploads_done "), metrics)
        XCTAssertEqual(vigil.terminate(), 0)
    }

    /// SIGKILL `vigil run` while its uploads cannot get through (the S3 link cut), restore the
    /// link, start it again: every clip recorded before the kill ends up in the bucket once, with
    /// the bytes on the device, because the journal held the items before any attempt.
    func testKilledWhileUploading_resumesAfterRestart_eachClipOnce() throws {
        try RoleFixtures.requireTools(["ffmpeg"])
        let (moto, port) = try startMotoWithBucket()
        defer { moto.terminate() }
        let proxy = try ChildProcess(URL(fileURLWithPath: "/usr/bin/python3"),
                                     [SharedAssets.packageRoot.appendingPathComponent("scripts/tcp-cut-proxy.py").path, "--target-port", "\(port)"])
        defer { proxy.terminate() }
        let proxyLine = try proxy.waitForLine(containing: "proxy on port")
        let proxyPort = try XCTUnwrap(Int(proxyLine.split(separator: " ").last!))
        let control = proxy.input

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-upload-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("vigil.yaml")
        try """
            server:
              enabled: false
            models:
              - name: demo
                path: \(RoleFixtures.demoModel.path)
            cameras:
              - name: yard
                source: \(SharedAssets.packageRoot.appendingPathComponent("demo/video.mp4").path)
                fps: 5
                events:
                  labels: [red shape, blue shape]
                  quiet_seconds: 1
            storage:
              pre_roll: 1
              post_roll: 1
            uploads:
              targets:
                - name: s3
                  type: s3
                  endpoint: http://127.0.0.1:\(proxyPort)
                  bucket: clips
                  access_key_id: AKIDEXAMPLE
                  secret_access_key: not-a-real-secret-123
                  object_name: "{camera}/{event_id}.{ext}"
            """.write(to: config, atomically: true, encoding: .utf8)
        control.fileHandleForWriting.write(Data("cut\n".utf8))
        _ = try proxy.waitForLine(containing: "cut")
        let first = try ChildProcess(VigilBinary.url, ["run", "--config", config.path], environment: ["LOG_LEVEL": "warning"])
        func journal() -> [[String: Any]] {
            guard let text = try? RoleFixtures.run(VigilBinary.url, ["uploads", "--config", config.path, "--json"]) else { return [] }
            return text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        }
        // Clips queued and attempted against the dead link, none done. (Red and blue events may
        // overlap and share one clip, so there may be one clip or several.)
        XCTAssertTrue(RoleFixtures.wait(timeout: 90) { journal().filter { ($0["attempts"] as? Int ?? 0) >= 1 }.count >= 1 }, first.printed)
        XCTAssertTrue(journal().allSatisfy { $0["state"] as? String != "done" })
        first.kill()
        let queued = journal()

        control.fileHandleForWriting.write(Data("restore\n".utf8))
        _ = try proxy.waitForLine(containing: "restored")
        let second = try ChildProcess(VigilBinary.url, ["run", "--config", config.path], environment: ["LOG_LEVEL": "warning"])
        defer { second.terminate() }
        let wanted = Set(queued.compactMap { $0["object"] as? String })
        XCTAssertTrue(RoleFixtures.wait(timeout: 120) {
            let done = Set(journal().filter { $0["state"] as? String == "done" }.compactMap { $0["object"] as? String })
            return done.isSuperset(of: wanted)
        }, second.printed)
        XCTAssertEqual(second.terminate(), 0)
        // Each queued clip once in the bucket, with the device's bytes.
        let listing = try RoleFixtures.run(URL(fileURLWithPath: "\(Self.venv)/bin/python"), ["-c", """
            import boto3, hashlib, json, sys
            s3 = boto3.client("s3", endpoint_url=sys.argv[1], aws_access_key_id="a", aws_secret_access_key="b", region_name="us-east-1")
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket="clips").get("Contents", [])]
            print(json.dumps({k: hashlib.md5(s3.get_object(Bucket="clips", Key=k)["Body"].read()).hexdigest() for k in keys}))
            """, "http://127.0.0.1:\(port)"])
        let bucket = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(listing.utf8))) as? [String: String])
        for item in queued {
            let object = try XCTUnwrap(item["object"] as? String)
            let local = try Data(contentsOf: URL(fileURLWithPath: try XCTUnwrap(item["path"] as? String)))
            XCTAssertEqual(bucket[object], Insecure_md5(local), object)
        }
    }
}

/// Hex MD5 through the system's md5sum (the test target links no crypto library).
func Insecure_md5(_ data: Data) -> String {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-md5-\(UUID().uuidString)")
    try? data.write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let output = (try? RoleFixtures.run(URL(fileURLWithPath: "/usr/bin/md5sum"), [file.path])) ?? ""
    return String(output.prefix(32))
}
