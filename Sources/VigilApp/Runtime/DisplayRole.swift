import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import VigilConnectors
import Synchronization
import VigilCore

/// `vigil display`: the seed's sense-hat-display module. Receives prediction messages over MQTT
/// (`<prefix>/+/predictions`) and/or Dapr (the sidecar delivers CloudEvents to the route that
/// `GET /dapr/subscribe` names) and shows the top tag on the configured displays.
///
/// Payloads are read with `PredictionPayload`, so Vigil's messages, the seed capture module's
/// JSON string literals and CloudEvent envelopes all work. A payload that cannot be read is
/// logged (once per distinct reason) and skipped.
public final class DisplayRole: Sendable {
    public let configuration: VigilConfiguration
    let controller: DisplayController
    let mqtt: MQTTClient?
    let logger: Logger
    let lastPayloadError = Mutex<String?>(nil)

    public init(configuration: VigilConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        guard let controller = try DisplayController.make(configuration.display, logger: logger) else {
            throw ConfigError("display", "no display is on: set display.terminal: true or display.sense_hat: auto (or a path)")
        }
        guard configuration.mqtt != nil || configuration.dapr.enabled else {
            throw ConfigError("", "the display role needs a transport: mqtt.url (VIGIL_MQTT_URL) or dapr.enabled (VIGIL_DAPR_ENABLED)")
        }
        self.controller = controller
        if var mqttConfiguration = configuration.mqtt {
            // A display only listens: it does not announce itself as the instance's availability.
            mqttConfiguration.publishesBirth = false
            mqttConfiguration.publishesWill = false
            mqtt = try MQTTClient(configuration: mqttConfiguration, logger: logger)
        } else {
            mqtt = nil
        }
    }

    /// What the displays show now.
    public var shown: DisplayDecision? { controller.shown }

    /// Offers one received payload (from MQTT or Dapr) to the displays.
    public func receive(_ payload: some Collection<UInt8>, camera: String?) {
        do {
            controller.offer(try PredictionPayload.parse(payload), camera: camera)
        } catch {
            let text = "\(error)"
            let isNew = lastPayloadError.withLock { last -> Bool in
                defer { last = text }
                return last != text
            }
            if isNew { logger.warning("skipped a message", metadata: ["error": "\(text)"]) }
        }
    }

    /// Runs until SIGTERM/SIGINT; `onRunning` gets the HTTP port (probes, and the Dapr route when
    /// Dapr is on), nil when `server.enabled` is false.
    public func run(onRunning: @escaping @Sendable (Int?) async -> Void = { _ in }) async throws {
        if let mqtt, let mqttConfiguration = configuration.mqtt {
            let topics = mqttConfiguration.topics
            try mqtt.subscribe(topics.allPredictions, qos: 1) { [weak self] message in
                self?.receive(message.payload, camera: topics.camera(fromPredictionsTopic: message.topic))
            }
            mqtt.start()
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if configuration.serverEnabled {
            services.append(.init(service: application(onRunning: onRunning)))
        } else {
            await onRunning(nil)
        }
        services.append(.init(service: StopOnShutdown { [controller, mqtt] in
            mqtt?.stop()
            controller.stop()
        }))
        try await ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
    }

    /// The probes (`/healthz`, `/readyz`: the display opened at start, so a running role is ready)
    /// and, with Dapr, `GET /dapr/subscribe` announcing the topic and the route the sidecar posts
    /// CloudEvents to.
    func application(onRunning: @escaping @Sendable (Int?) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        router.get("/health") { _, _ in "ok" }
        router.get("/healthz") { _, _ in "ok" }
        router.get("/readyz") { _, _ in "ok" }
        if configuration.dapr.enabled { addDaprRoutes(to: router) }
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.server.host, port: configuration.server.port), serverName: "vigil-display"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port) },
            logger: logger)
    }

    private func addDaprRoutes(to router: Router<BasicRequestContext>) {
        let dapr = configuration.dapr
        router.get("/dapr/subscribe") { _, _ -> Response in
            let body = "[{\"pubsubname\":\"\(dapr.pubsub)\",\"topic\":\"\(dapr.topic)\",\"route\":\"/display\"}]"
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.post("/display") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            self.receive(body.readableBytesView, camera: nil)
            // Dapr reads SUCCESS from the status; a malformed message is dropped, not retried.
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"SUCCESS\"}")))
        }
    }
}

/// Runs `onStop` when the service group shuts down.
struct StopOnShutdown: Service {
    let onStop: @Sendable () -> Void

    func run() async throws {
        try? await gracefulShutdown()
        onStop()
    }
}
