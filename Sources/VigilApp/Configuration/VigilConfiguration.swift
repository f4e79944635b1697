import Foundation
import VigilConnectors
import VigilPipeline
import VigilServer
import VigilStore

/// Everything `vigil run` does, as read from vigil.yaml and `VIGIL_*` variables.
///
/// Each section is the configuration struct of the part it configures; this type only gathers
/// them. `VigilConfiguration.load` reads and validates; `shape` documents every key.
public struct VigilConfiguration: Sendable {
    /// This instance's name (topics, metrics, logs). Default: the host name.
    public var node: String = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "vigil"
    /// List every node on the broker at `/fleet`. Default false; needs MQTT.
    public var fleet = false
    /// Which share of `cameras` this instance runs (all of them by default).
    public var shard = CameraShard.whole
    /// Where other nodes link to this node's dashboard; nil: `http://<host name or server.host>:<port>/`.
    public var publicURL: URL?
    /// Serve the HTTP API and dashboard while cameras run. Default true.
    public var serverEnabled = true
    public var server = ServerConfiguration()
    public var cameras: [CameraConfiguration] = []
    /// MQTT publishing; nil when no broker is configured.
    public var mqtt: MQTTConfiguration?
    /// Publish Home Assistant discovery configs. Default false.
    public var homeAssistant = false
    public var dapr = DaprConfiguration()
    public var display = DisplayConfiguration()
    /// Where events, snapshots and clips are kept (used when a camera has `events`).
    public var storage = EventStorageConfiguration(directory: URL(fileURLWithPath: "vigil-data"))
    /// Cloud uploads of event clips and snapshots; no targets: off.
    public var uploads = UploadSettings()
    /// Print every camera's prediction message on standard output (the seed's VERBOSE). Default false.
    public var printsPredictions = false

    public init() {}
}

extension VigilConfiguration {
    /// A few lines of what this configuration sets up, credentials left out (`vigil config check`).
    public var summary: String {
        var lines = ["node: \(node)" + (fleet ? " (fleet view at /fleet)" : "")]
        if shard.count > 1 { lines.append("shard \(shard.index) of \(shard.count) (0-based)") }
        lines.append(serverEnabled ? "server: http://\(server.host):\(server.port) (\(server.workers) workers)" : "server: off")
        for model in server.models { lines.append("model \(model.name): \(model.url.path)") }
        for camera in cameras {
            let scorer = camera.endpoint.map { "endpoint \(URLRedaction.redact($0.absoluteString))" } ?? "model \(camera.model ?? server.models.first?.name ?? "-")"
            lines.append("camera \(camera.name): \(URLRedaction.redact(camera.source)) → \(scorer)" + (camera.fps > 0 ? " at \(camera.fps) fps" : ""))
        }
        lines.append(mqtt.map { "mqtt: \($0)" } ?? "mqtt: off")
        lines.append(dapr.enabled ? "dapr: \(dapr.pubsub)/\(dapr.topic) via port \(dapr.httpPort)" : "dapr: off")
        return lines.joined(separator: "\n")
    }
}
