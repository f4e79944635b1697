import Foundation
import Hummingbird
import VigilVision

/// `GET /models`, `POST /models/{name}/reload` and `GET /metrics`.
extension PredictionServer {
    func addModelRoutes(to router: Router<BasicRequestContext>) {
        router.get("/models") { _, _ in Self.json(self.modelsJSON()) }
        router.post("/models/:name/reload") { _, context in
            let name = try context.parameters.require("name")
            guard self.registry.names.contains(name) else { throw ServerError.unknownModel(name, available: self.registry.names) }
            let entry = try self.registry.reload(name)
            return Self.json(Self.serialize(["name": name, "version": entry.bundle.version, "status": "reloaded"]))
        }
        router.get("/metrics") { _, _ in
            let load = self.pool.load
            self.metrics.queue(running: load.running, waiting: load.waiting)
            if let live = self.live { self.metrics.cameras(live.statuses) }
            if let usage = try? self.events?.storageUsage() { self.metrics.storage(usage) }
            if let items = self.uploadItems() {
                self.metrics.uploads(pending: items.filter { $0.state == .pending || $0.state == .uploading }.count,
                                     done: items.filter { $0.state == .done }.count,
                                     failed: items.filter { if case .failed = $0.state { return true } else { return false } }.count)
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: self.metrics.text())))
        }
    }

    func modelsJSON() -> String {
        let formatter = ISO8601DateFormatter()
        let models: [[String: Any]] = registry.status().map { name, status in
            var item: [String: Any] = ["name": name, "source": status.source.path, "status": status.entry == nil ? "error" : "ok"]
            if let entry = status.entry {
                let bundle = entry.bundle
                item["task"] = bundle.task.isDetection ? "detection" : "classification"
                item["labels"] = bundle.labels
                item["version"] = bundle.version
                item["kind"] = bundle.kind.rawValue
                item["input"] = ["width": bundle.contract.width, "height": bundle.contract.height,
                                 "layout": "\(bundle.contract.layout)", "colorOrder": "\(bundle.contract.colorOrder)"]
                item["loadedAt"] = formatter.string(from: entry.loadedAt)
            }
            if let error = status.lastError {
                item["lastError"] = error
                item["lastErrorAt"] = status.lastErrorAt.map { formatter.string(from: $0) } ?? NSNull()
            }
            return item
        }
        return Self.serialize(["default": registry.defaultName, "models": models])
    }

    static func serialize(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
