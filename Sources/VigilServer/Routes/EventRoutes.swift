import Foundation
import Hummingbird
import VigilConnectors
import VigilCore
import VigilStore

/// The events API and page: `GET /api/events` (filters `camera`, `label`, `after`, `before` as
/// unix seconds, `limit`, `offset`; newest first), `GET /api/events/{id}`,
/// `GET /api/events/{id}/snapshot.jpg` (`?boxes=1` for the annotated one),
/// `GET /api/events/{id}/clip.mp4` (with HTTP range requests, so browsers can seek),
/// `DELETE /api/events/{id}` (the event and its files), `GET /api/storage` (bytes used vs the
/// cap), and `GET /events` (the timeline page).
extension PredictionServer {
    func addEventRoutes(to router: Router<BasicRequestContext>, store: EventStore) {
        router.get("/events") { _, _ in try Self.page("events.html") }
        router.get("/api/events") { request, _ in
            let query = request.uri.queryParameters
            func number(_ key: Substring) throws -> Double? {
                guard let text = query[key].map(String.init) else { return nil }
                guard let value = Double(text) else { throw ServerError.badRequest("'\(key)' must be a number, got '\(text)'") }
                return value
            }
            var filter = EventFilter()
            filter.camera = query["camera"].map(String.init)
            filter.label = query["label"].map(String.init)
            filter.startedFrom = try number("after").map { Date(timeIntervalSince1970: $0) }
            filter.startedBefore = try number("before").map { Date(timeIntervalSince1970: $0) }
            if let limit = try number("limit") { filter.limit = max(1, min(1000, Int(limit))) }
            if let offset = try number("offset") { filter.offset = max(0, Int(offset)) }
            let events = try store.events(filter)
            let items = try events.map { try self.eventJSON($0, store: store) }
            return Self.json("{\"events\":[\(items.joined(separator: ","))]}")
        }
        router.get("/api/events/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let event = try store.event(id: id) else { throw Self.noEvent(id) }
            return Self.json(try self.eventJSON(event, store: store))
        }
        router.get("/api/events/:id/snapshot.jpg") { request, context in
            let id = try context.parameters.require("id")
            guard let snapshot = try store.snapshot(eventID: id) else { throw ServerError(.notFound, code: "NoSnapshot", "event '\(id)' has no snapshot") }
            let path = request.uri.queryParameters["boxes"] == "1" ? (snapshot.withBoxesPath ?? snapshot.path) : snapshot.path
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ServerError(.notFound, code: "NoSnapshot", "the snapshot of event '\(id)' is gone from disk")
            }
            return Response(status: .ok, headers: [.contentType: "image/jpeg"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("/api/events/:id/clip.mp4") { request, context in
            let id = try context.parameters.require("id")
            guard let clip = try store.clips(eventID: id).last(where: { $0.state == .finalized }) else {
                throw ServerError(.notFound, code: "NoClip", "event '\(id)' has no finished clip")
            }
            return try Self.fileResponse(path: clip.path, contentType: "video/mp4", range: request.headers[.range])
        }
        router.get("/api/storage") { _, _ in
            let usage = try store.storageUsage()
            let cap = self.configuration.storageCap.map { "\($0)" } ?? "null"
            return Self.json("{\"snapshot_bytes\":\(usage.snapshotBytes),\"clip_bytes\":\(usage.clipBytes),\"total_bytes\":\(usage.totalBytes),\"cap_bytes\":\(cap)}")
        }
        router.delete("/api/events/:id") { _, context in
            let id = try context.parameters.require("id")
            guard try store.event(id: id) != nil else { throw Self.noEvent(id) }
            let files = try store.deleteEvent(id: id)
            for path in files { try? FileManager.default.removeItem(atPath: path) }
            return Response(status: .noContent)
        }
    }

    /// The upload journal's items (nil without uploads); read from disk, safe while the uploader writes it.
    func uploadItems() -> [UploadItem]? {
        guard let url = configuration.uploadJournal, FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try? FileUploadJournal(url: url).load()
    }

    static func noEvent(_ id: String) -> ServerError { ServerError(.notFound, code: "NoEvent", "no event '\(id)'") }

    /// An event as the API shows it: the event's own JSON plus its media and their states.
    func eventJSON(_ event: Event, store: EventStore) throws -> String {
        var json = event.jsonString()
        let clip = try store.clips(eventID: event.id).last
        let snapshot = try store.snapshot(eventID: event.id)
        var extra = ",\"snapshot\":" + (snapshot != nil ? "\"/api/events/\(event.id)/snapshot.jpg\"" : "null")
        extra += ",\"clip\":" + (clip?.state == .finalized ? "\"/api/events/\(event.id)/clip.mp4\"" : "null")
        extra += ",\"clip_state\":" + (clip.map { "\"\($0.state.rawValue)\"" } ?? "null")
        extra += ",\"clip_bytes\":\(clip?.bytes ?? 0)"
        // Upload state per target of the clip (pending, uploading, done, failed: reason).
        let uploads = (uploadItems() ?? []).filter { $0.file == clip?.path }.map { item -> String in
            let state: String
            switch item.state {
            case .pending: state = "pending"
            case .uploading: state = "uploading"
            case .done: state = "done"
            case .failed(let reason): state = "failed: " + reason
            }
            return "{\"target\":\(JSONText.string(item.target)),\"state\":\(JSONText.string(state))}"
        }
        extra += ",\"uploads\":[" + uploads.joined(separator: ",") + "]"
        json.removeLast()
        return json + extra + "}"
    }

    /// A file, whole or the byte range asked for (`Range: bytes=a-b`, `a-`, `-n`), with `Accept-Ranges`.
    static func fileResponse(path: String, contentType: String, range: String?) throws -> Response {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ServerError(.notFound, code: "NotFound", "the file is gone from disk")
        }
        defer { try? handle.close() }
        let size = Int((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)??.intValue ?? 0)
        var headers: HTTPFields = [.contentType: contentType, .acceptRanges: "bytes"]
        guard let range, let (start, end) = parseRange(range, size: size) else {
            if range != nil {
                headers[.contentRange] = "bytes */\(size)"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            }
            let data = try handle.readToEnd() ?? Data()
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        try handle.seek(toOffset: UInt64(start))
        let data = try handle.read(upToCount: end - start + 1) ?? Data()
        headers[.contentRange] = "bytes \(start)-\(end)/\(size)"
        return Response(status: .partialContent, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The inclusive byte range of a single-range `Range` header, or nil when it cannot be served.
    static func parseRange(_ header: String, size: Int) -> (Int, Int)? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let spec = header.dropFirst(6)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces), last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        if first.isEmpty {
            guard let count = Int(last), count > 0 else { return nil }
            return (max(0, size - count), size - 1)
        }
        guard let start = Int(first), start < size else { return nil }
        let end = last.isEmpty ? size - 1 : min(Int(last) ?? -1, size - 1)
        return end >= start ? (start, end) : nil
    }
}
