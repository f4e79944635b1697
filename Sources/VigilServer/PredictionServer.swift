import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import VigilPipeline
import VigilStore
import VigilVision

/// `vigil serve`: the Custom-Vision-compatible prediction server on Hummingbird.
///
/// Holds the model registry, the inference worker pool and the metrics; builds the router with
/// every route of the Custom Vision export container, the model and metrics endpoints, the Dapr
/// subscription and the quick-test page. Shuts down cleanly on SIGTERM/SIGINT.
public final class PredictionServer: Sendable {
    public let configuration: ServerConfiguration
    public let registry: ModelRegistry
    public let pool: WorkerPool
    public let metrics: ServerMetrics
    /// The cameras' live state when the server runs inside `vigil run` (the dashboard); nil for `vigil serve`.
    public let live: LiveView?
    /// The event database when cameras record events (the events API and page); nil otherwise.
    public let events: EventStore?
    /// Every node on the broker when this instance is the fleet view (`fleet: true`); nil otherwise.
    public let fleet: FleetView?
    let logger: Logger

    public init(configuration: ServerConfiguration, live: LiveView? = nil, events: EventStore? = nil, fleet: FleetView? = nil,
                metrics: ServerMetrics = ServerMetrics(), logger: Logger = Logger(label: "vigil.serve")) throws {
        self.configuration = configuration
        self.metrics = metrics
        self.live = live
        self.events = events
        self.fleet = fleet
        self.logger = logger
        let metrics = self.metrics
        registry = try ModelRegistry(models: configuration.models, workers: configuration.workers,
                                     threads: configuration.threadsPerWorker, logger: logger, allowEmpty: live != nil,
                                     onLoadError: { metrics.modelLoadError(model: $0) })
        pool = WorkerPool(workers: configuration.workers, queueLimit: configuration.queueLimit)
    }

    /// The Hummingbird application; `onRunning` receives the bound port (useful with port 0).
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: LogRequestsMiddleware(.info))
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        addRoutes(to: router)
        if let live { addDashboardRoutes(to: router, live: live) }
        if let events { addEventRoutes(to: router, store: events) }
        if let fleet { addFleetRoutes(to: router, fleet: fleet) }
        var app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "vigil"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        if let interval = configuration.watchInterval {
            app.addServices(ModelWatcher(registry: registry, interval: interval))
        }
        return app
    }

    /// Runs until SIGTERM or SIGINT.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(onRunning: onRunning).runService()
    }
}

/// Polls the model sources for changes while the server runs.
struct ModelWatcher: Service {
    let registry: ModelRegistry
    let interval: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown { await registry.watch(every: interval) }
    }
}
