import Foundation
import Hummingbird
import VigilImage
import VigilPipeline

/// The live dashboard: camera status, annotated MJPEG per camera, and a feed of predictions.
///
/// `GET /dashboard` (page), `GET /api/cameras` (status of every camera plus the models),
/// `GET /api/cameras/{name}/stream.mjpg` (multipart JPEG of the scored frames with boxes and tags,
/// like the seed's SHOW_VIDEO page), `GET /api/cameras/{name}/snapshot.jpg`, and
/// `GET /api/predictions/stream` (Server-Sent Events, one `prediction` event per scored frame).
extension PredictionServer {
    func addDashboardRoutes(to router: Router<BasicRequestContext>, live: LiveView) {
        router.get("/dashboard") { _, _ in try Self.page("dashboard.html") }
        router.get("/api/cameras") { _, _ in
            let cameras = live.statuses.map { $0.json() }.joined(separator: ",")
            let models = self.registry.names.map { name -> String in
                let entry = self.registry.entry(name)
                let info: [String: Any] = ["name": name, "task": entry.map { "\($0.bundle.task)" } ?? "not loaded",
                                           "version": entry?.bundle.version ?? ""]
                return String(decoding: try! JSONSerialization.data(withJSONObject: info, options: [.sortedKeys]), as: UTF8.self)
            }.joined(separator: ",")
            return Self.json("{\"cameras\":[\(cameras)],\"models\":[\(models)]}")
        }
        router.get("/api/cameras/:name/snapshot.jpg") { _, context in
            let name = try context.parameters.require("name")
            guard live.cameraNames.contains(name) else { throw ServerError(.notFound, code: "NotFound", "no camera '\(name)'") }
            guard let snapshot = live.snapshot(name) else {
                throw ServerError(.notFound, code: "NoFrame", "camera '\(name)' has not scored a frame yet")
            }
            return Response(status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "no-cache"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try Self.annotatedJPEG(snapshot))))
        }
        router.get("/api/cameras/:name/stream.mjpg") { _, context in
            let name = try context.parameters.require("name")
            guard live.cameraNames.contains(name) else { throw ServerError(.notFound, code: "NotFound", "no camera '\(name)'") }
            return Response(
                status: .ok,
                headers: [.contentType: "multipart/x-mixed-replace; boundary=vigilframe", .cacheControl: "no-cache"],
                body: .init { writer in
                    var version: UInt64 = 0
                    while !Task.isCancelled, !live.isClosed {
                        guard let snapshot = live.snapshot(name, newerThan: version) else {
                            try await Task.sleep(for: .milliseconds(30))
                            continue
                        }
                        version = snapshot.version
                        let jpeg = try Self.annotatedJPEG(snapshot)
                        var part = ByteBuffer(string: "--vigilframe\r\nContent-Type: image/jpeg\r\nContent-Length: \(jpeg.count)\r\n\r\n")
                        part.writeBytes(jpeg)
                        part.writeString("\r\n")
                        try await writer.write(part)
                    }
                    try await writer.finish(nil)
                })
        }
        router.get("/api/predictions/stream") { _, _ in
            let feed = live.feed()
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: .init { writer in
                    try await writer.write(ByteBuffer(string: ": vigil predictions\n\n"))
                    for await message in feed {
                        try await writer.write(ByteBuffer(string: "event: prediction\ndata: \(message)\n\n"))
                    }
                    try await writer.finish(nil)
                })
        }
    }

    static func annotatedJPEG(_ snapshot: LiveView.Snapshot) throws -> Data {
        var image = snapshot.image
        FrameAnnotator.annotate(&image, predictions: snapshot.frame.predictions)
        return try JPEGEncoder.encode(image, quality: 80)
    }
}
