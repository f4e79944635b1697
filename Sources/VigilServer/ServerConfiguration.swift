import Foundation

/// How `vigil serve` runs: where it listens, which models it serves and how hard it works.
public struct ServerConfiguration: Sendable {
    /// A model to serve: its name (the `publishedName` of the Custom Vision routes) and bundle.
    public struct ModelSource: Sendable, Equatable {
        public var name: String
        public var url: URL
        public init(name: String, url: URL) { self.name = name; self.url = url }

        /// A model's name when none is given: its folder's name (or the file's, without extension).
        public static func defaultName(for url: URL) -> String {
            let base = url.deletingPathExtension().lastPathComponent
            return base == "model" ? url.deletingLastPathComponent().lastPathComponent : base
        }
    }

    /// Listen address; default 127.0.0.1 (use 0.0.0.0 in a container).
    public var host: String = "127.0.0.1"
    /// Listen port; 0 picks a free one. Default 8080 (the seed's IMAGE_CLASSIFIER_PORT wins when set).
    public var port: Int = 8080
    /// Models in order; the first answers the bare routes (`POST /image`).
    public var models: [ModelSource] = []
    /// Inferences run at once (default: one per core), each on its own predictor.
    public var workers: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Threads each inference uses (default 1: parallelism comes from serving requests at once).
    public var threadsPerWorker: Int = 1
    /// Requests that may wait for a worker before new ones get 503 (default 16 per worker).
    public var queueLimit: Int = 16 * ProcessInfo.processInfo.activeProcessorCount
    /// Largest image accepted in a body or fetched from a URL: 4 MiB, as the seed's Flask app.
    public var maxImageBytes: Int = 4 * 1024 * 1024
    /// Timeout for fetching `/url` images.
    public var urlTimeout: Duration = .seconds(10)
    /// How often model folders are checked for changes (hot reload); nil disables watching.
    public var watchInterval: Duration? = .seconds(2)
    /// Dapr pub/sub the seed's deployment uses: the subscription `GET /dapr/subscribe` announces.
    public var daprPubSub: String = "customvisionpubsub"
    public var daprTopic: String = "camera_capture_predict_topic"

    /// The upload journal the events API and /metrics report upload states from; nil: no uploads.
    public var uploadJournal: URL?
    /// The storage cap the events page shows usage against (bytes); nil: no cap.
    public var storageCap: Int64?

    public init() {}
}
