import Foundation
import VigilCore
import VigilPipeline

/// The document a node publishes, retained, on `<prefix>/nodes/<node>/status`, for fleet views:
///
///     {"node", "state": "online", "version", "url", "fleet", "events", "shard": {"index", "count"},
///      "startedAt", "updatedAt", "models": [names], "cameras": [camera status, as on the dashboard]}
///
/// Whether the node is up is not in here but on `<prefix>/nodes/<node>/available` (the last will
/// says `offline` when the node vanishes); this report only says what it runs.
struct NodeReport {
    var node: String
    var url: String?
    var fleet: Bool
    /// Whether the node records events (so its `/events` page exists).
    var events: Bool
    var shard: CameraShard
    var startedAt: Date
    var models: [String]
    var cameras: [CameraStatus]

    func json(at now: Date = Date()) -> String {
        var out = "{\"node\":\(JSONText.string(node)),\"state\":\"online\",\"version\":\(JSONText.string(VigilVersion.current))"
        out += ",\"url\":" + (url.map(JSONText.string) ?? "null")
        out += ",\"fleet\":\(fleet),\"events\":\(events),\"shard\":{\"index\":\(shard.index),\"count\":\(shard.count)}"
        out += ",\"startedAt\":\(JSONText.string(ScoredFrame.iso8601(startedAt))),\"updatedAt\":\(JSONText.string(ScoredFrame.iso8601(now)))"
        out += ",\"models\":[" + models.map(JSONText.string).joined(separator: ",") + "]"
        out += ",\"cameras\":[" + cameras.map { $0.json() }.joined(separator: ",") + "]}"
        return out
    }

    /// Where other nodes link to this node: `server.url`, else `http://<host>:<port>/` with the
    /// listen address, or the host name when it listens on every interface.
    static func url(configured: URL?, host: String, port: Int?) -> String? {
        if let configured { return configured.absoluteString.hasSuffix("/") ? configured.absoluteString : configured.absoluteString + "/" }
        guard let port else { return nil }
        let everywhere = ["0.0.0.0", "::", "[::]", ""].contains(host)
        let name = everywhere ? ProcessInfo.processInfo.hostName : host
        return "http://\(name.contains(":") ? "[\(name)]" : name):\(port)/"
    }
}
