import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import VigilConnectors
import VigilPipeline
import VigilServer

/// The composition root of `vigil run`, `vigil capture` and `vigil display`: builds the model
/// registry, the cameras, the sinks (dashboard, metrics, MQTT, Dapr, displays) and the HTTP
/// server from one `VigilConfiguration`, and runs them as one ServiceGroup that shuts down
/// cleanly on SIGTERM or SIGINT.
public final class VigilRuntime: Sendable {
    public let configuration: VigilConfiguration
    public let live: LiveView
    public let server: PredictionServer
    public let pipelines: [CameraPipeline]
    let mqtt: MQTTPublishing?
    let dapr: DaprPublisher?
    let displays: DisplaySink?
    /// Events, snapshots and clips; nil when no camera has `events`.
    public let events: EventRecorder?
    /// Cloud uploads of clips and snapshots; nil without targets (or without events).
    let uploader: Uploader?
    /// Every node on the broker, when this instance is the fleet view; nil otherwise.
    public let fleet: FleetView?
    let startedAt = Date()
    /// The HTTP port once the server listens (for the node report's URL).
    let boundPort = Mutex<Int?>(nil)
    let logger: Logger

    /// Loads the models and opens nothing yet; errors name what failed (a model, a camera source).
    public init(configuration: VigilConfiguration, endsWhenCamerasEnd: Bool = false, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        self.endsWhenCamerasEnd = endsWhenCamerasEnd
        live = LiveView(cameras: configuration.cameras.map {
            CameraStatus(camera: $0.name, source: URLRedaction.redact($0.source), model: $0.endpoint?.host ?? $0.model ?? configuration.server.models.first?.name ?? "")
        })
        // Events first: the server's event API reads their store. Their messages go out over MQTT,
        // which is set up once the models (and so the tags for discovery) are loaded.
        let eventOutlet = Mutex<MQTTPublishing?>(nil)
        let metrics = ServerMetrics()
        if configuration.cameras.contains(where: { $0.events != nil }) {
            let uploader = try UploadService.make(configuration.uploads, storage: configuration.storage, logger: logger)
            self.uploader = uploader
            let settings = configuration.uploads
            events = try EventRecorder(storage: configuration.storage, cameras: configuration.cameras, logger: logger,
                                       publish: { message in eventOutlet.withLock { $0 }?.publishEvent(message) },
                                       onMedia: { camera, eventID, file, kind in
                                           guard let uploader, kind == "clip" || settings.snapshots else { return }
                                           Self.enqueue(file, kind: kind, camera: camera, eventID: eventID,
                                                        targets: settings.targets.map(\.name), uploader: uploader, logger: logger)
                                       },
                                       uploadedPaths: { [storage = configuration.storage] in
                                           Self.uploadedEverywhere(storage: storage, targets: Set(settings.targets.map(\.name)))
                                       },
                                       metrics: metrics)
        } else {
            events = nil
            uploader = nil
        }
        var serverConfiguration = configuration.server
        if uploader != nil { serverConfiguration.uploadJournal = UploadService.journalURL(configuration.storage) }
        fleet = configuration.fleet ? FleetView(selfNode: configuration.node) : nil
        server = try PredictionServer(configuration: serverConfiguration, live: live, events: events?.store, fleet: fleet,
                                      metrics: metrics, logger: logger)

        var sinks: [PipelineSink] = [live, MetricsSink(metrics: server.metrics)]
        if configuration.printsPredictions { sinks.append(PrintSink()) }
        if let mqttConfiguration = configuration.mqtt {
            let publishing = try MQTTPublishing(configuration: mqttConfiguration, node: configuration.node,
                                                cameras: configuration.cameras.map(\.name),
                                                tags: Self.tags(server.registry),
                                                homeAssistant: configuration.homeAssistant, logger: logger)
            mqtt = publishing
            sinks.append(publishing)
            eventOutlet.withLock { $0 = publishing }
        } else {
            mqtt = nil
        }
        if configuration.dapr.enabled {
            let publisher = DaprPublisher(configuration: configuration.dapr, logger: logger)
            dapr = publisher
            sinks.append(DaprSink(publisher: publisher))
        } else {
            dapr = nil
        }
        displays = try DisplaySink.make(configuration.display, logger: logger)
        if let displays { sinks.append(displays) }
        let events = self.events
        if let events { sinks.append(events) }

        let registry = server.registry, pool = server.pool
        pipelines = try configuration.cameras.map { camera in
            let scorer: FrameScorer
            if let endpoint = camera.endpoint {
                scorer = RemoteScorer(endpoint: endpoint, parameters: camera.endpointParameters, resizeWidth: camera.resizeWidth,
                                      resizeHeight: camera.resizeHeight, convertToGray: camera.convertToGray)
            } else {
                scorer = EmbeddedScorer(registry: registry, pool: pool, modelName: camera.model ?? registry.defaultName)
            }
            return try CameraPipeline(configuration: camera, scorer: scorer, sinks: sinks, logger: logger,
                                      packetObserver: events?.packetObserver(for: camera.name),
                                      frameObserver: events?.frameObserver(for: camera.name))
        }
        live.attach(pipelines)
    }

    let endsWhenCamerasEnd: Bool

    /// What this node runs, for the fleet view.
    func nodeReport() -> NodeReport {
        let port = configuration.serverEnabled ? boundPort.withLock { $0 } : nil
        return NodeReport(node: configuration.node,
                          url: NodeReport.url(configured: configuration.publicURL, host: configuration.server.host, port: port),
                          fleet: configuration.fleet, events: events != nil, shard: configuration.shard, startedAt: startedAt,
                          models: server.registry.names, cameras: live.statuses)
    }

    /// Puts a finished clip or snapshot in the upload journal, once per target.
    static func enqueue(_ file: URL, kind: String, camera: String, eventID: String, targets: [String], uploader: Uploader, logger: Logger) {
        Task {
            for target in targets {
                do {
                    _ = try await uploader.enqueue(UploadRequest(
                        file: file, target: target,
                        fields: ObjectNameFields(camera: camera, timestamp: Date(), eventID: eventID, kind: kind, ext: file.pathExtension),
                        metadata: ["camera": camera, "event": eventID, "kind": kind]))
                } catch {
                    logger.error("cannot queue an upload", metadata: ["file": "\(file.path)", "target": "\(target)", "error": "\(error)"])
                }
            }
        }
    }

    /// Files whose upload every target confirmed, from the journal on disk.
    static func uploadedEverywhere(storage: EventStorageConfiguration, targets: Set<String>) -> Set<String> {
        guard !targets.isEmpty, let items = try? FileUploadJournal(url: UploadService.journalURL(storage)).load() else { return [] }
        var done: [String: Set<String>] = [:]
        for item in items where item.state == .done { done[item.file, default: []].insert(item.target) }
        return Set(done.filter { $0.value.isSuperset(of: targets) }.keys)
    }

    /// Every tag of every loaded model (for Home Assistant discovery).
    static func tags(_ registry: ModelRegistry) -> [String] {
        var seen = Set<String>()
        return registry.names.flatMap { registry.entry($0)?.bundle.labels ?? [] }.filter { seen.insert($0).inserted }
    }

    /// Runs until SIGTERM/SIGINT (or, with `endsWhenCamerasEnd`, until every camera has ended).
    /// `onRunning` receives the HTTP port once the server listens (nil when the server is off).
    public func run(onRunning: @escaping @Sendable (Int?) async -> Void = { _ in }) async throws {
        if let fleet, let mqtt { try mqtt.follow(fleet) }
        mqtt?.start()
        let cameras = CameraService(pipelines: pipelines, endsWhenCamerasEnd: endsWhenCamerasEnd) { [live, mqtt, dapr, displays, events] in
            live.close()
            events?.close()
            displays?.clear()
            dapr?.stop()
            mqtt?.stop()
        }
        // The group shuts services down in reverse order: cameras first, so their live streams end
        // and the HTTP server's graceful shutdown does not wait on them.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if configuration.serverEnabled {
            services.append(.init(service: server.application(onRunning: { [self] port in
                self.boundPort.withLock { $0 = port }
                await onRunning(port)
            })))
        } else {
            await onRunning(nil)
        }
        if let mqtt {
            services.append(.init(service: NodeReporter(
                report: { [self] in
                    // Once the server listens, so the report carries its URL.
                    configuration.serverEnabled && boundPort.withLock({ $0 }) == nil ? nil : nodeReport().json()
                },
                publish: { mqtt.publishNodeReport($0) })))
        }
        if let uploader { services.append(.init(service: UploadService(uploader: uploader))) }
        services.append(.init(service: cameras, successTerminationBehavior: .gracefullyShutdownGroup))
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
