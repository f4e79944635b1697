import Foundation

/// How predictions reach a Dapr sidecar, with the defaults of the seed's Kubernetes deployment.
public struct DaprConfiguration: Sendable, Equatable {
    /// Publish each prediction to the sidecar. Default false.
    public var enabled = false
    /// The sidecar's HTTP port on localhost: `$DAPR_HTTP_PORT`, else 3500 (Dapr's default).
    public var httpPort: Int = ProcessInfo.processInfo.environment["DAPR_HTTP_PORT"].flatMap { Int($0) } ?? 3500
    /// The pub/sub component (the seed's `customvisionpubsub`).
    public var pubsub = "customvisionpubsub"
    /// The topic predictions go to and the display role reads (the seed's `camera_capture_topic`).
    public var topic = "camera_capture_topic"
    /// Messages kept while the sidecar is away; the oldest are dropped beyond it. Default 1000.
    public var queueCapacity = 1000

    public init() {}

    /// `http://localhost:<port>/v1.0/publish/<pubsub>/<topic>`.
    public var publishURL: URL {
        URL(string: "http://127.0.0.1:\(httpPort)/v1.0/publish/\(pubsub)/\(topic)")!
    }
}
