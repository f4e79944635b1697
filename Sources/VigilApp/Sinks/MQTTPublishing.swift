import Foundation
import Logging
import Synchronization
import VigilConnectors
import VigilImage
import VigilPipeline
import VigilServer

/// Publishes the cameras' results over MQTT:
/// `<prefix>/<camera>/predictions` (every scored frame's message, the configured QoS and retain),
/// `<prefix>/<camera>/<tag>` (how many predictions of the tag are above the count threshold,
/// retained, sent when it changes), `<prefix>/<camera>/status` (the camera's status, retained,
/// sent when its state changes), and, when asked, Home Assistant discovery configs (retained,
/// re-sent whenever `homeassistant/status` says `online`).
///
/// Publishing never blocks the camera: the client's outbox keeps messages while the broker is
/// away (bounded; the oldest dropped and counted) and delivers them after reconnecting.
final class MQTTPublishing: PipelineSink {
    /// Predictions above this count toward `<prefix>/<camera>/<tag>`.
    static let countThreshold = 0.5

    let client: MQTTClient
    let topics: MQTTTopics
    private let discovery: HomeAssistantDiscovery?
    private let cameras: [String]
    private let tags: [String]
    private let lastCounts = Mutex<[String: [String: Int]]>([:])
    private let logger: Logger

    init(configuration: MQTTConfiguration, node: String, cameras: [String], tags: [String], homeAssistant: Bool, logger: Logger) throws {
        client = try MQTTClient(configuration: configuration, logger: logger)
        topics = configuration.topics
        self.cameras = cameras
        self.tags = tags
        self.logger = logger
        discovery = homeAssistant ? HomeAssistantDiscovery(nodeID: node, topics: configuration.topics) : nil
    }

    func start() {
        client.start()
        guard let discovery else { return }
        publishDiscovery(discovery)
        do {
            try client.subscribe(HomeAssistantDiscovery.statusTopic, qos: 1) { [weak self] message in
                guard let self, HomeAssistantDiscovery.shouldRepublish(statusPayload: message.payload) else { return }
                self.publishDiscovery(discovery)
            }
        } catch {
            logger.warning("cannot subscribe to Home Assistant status", metadata: ["error": "\(error)"])
        }
    }

    func stop() { client.stop() }

    private func publishDiscovery(_ discovery: HomeAssistantDiscovery) {
        for message in discovery.configMessages(cameras: cameras, tags: tags) { send(message) }
    }

    func deliver(_ frame: ScoredFrame, image: RGBImage) {
        send(topic: topics.predictions(camera: frame.camera), payload: frame.messageJSON(), qos: nil, retain: nil)
        let counts = frame.counts(threshold: Self.countThreshold)
        // Every known tag is reported, 0 included, so a sensor drops back when the object leaves.
        let changed: [(String, Int)] = lastCounts.withLock { last in
            var previous = last[frame.camera] ?? [:]
            var changes: [(String, Int)] = []
            for tag in Set(tags).union(counts.keys).sorted() {
                let count = counts[tag] ?? 0
                if previous[tag] != count { changes.append((tag, count)); previous[tag] = count }
            }
            last[frame.camera] = previous
            return changes
        }
        for (tag, count) in changed {
            send(topic: topics.tag(tag, camera: frame.camera), payload: "\(count)", qos: 1, retain: true)
        }
    }

    /// This node's report on `<prefix>/nodes/<node>/status` (QoS 1, retained).
    func publishNodeReport(_ json: String) {
        send(topic: topics.nodeStatus, payload: json, qos: 1, retain: true)
    }

    /// Feeds `fleet` with every node's availability, report and events (retained ones included).
    /// Call before `start()`; subscriptions are renewed on every reconnect.
    func follow(_ fleet: FleetView) throws {
        let topics = self.topics
        for kind in MQTTTopics.NodeTopic.allCases {
            try client.subscribe(topics.everyNode(kind), qos: 1) { message in
                guard let (node, kind) = topics.node(fromNodeTopic: message.topic) else { return }
                fleet.receive(node: node, kind: kind, payload: message.payload)
            }
        }
    }

    /// An event message on `<prefix>/nodes/<node>/events` (QoS 1, not retained).
    func publishEvent(_ json: String) {
        send(topic: topics.events, payload: json, qos: 1, retain: false)
    }

    func cameraStatusChanged(_ status: CameraStatus) {
        send(topic: topics.status(camera: status.camera), payload: status.json(), qos: 1, retain: true)
    }

    private func send(topic: String, payload: String, qos: Int?, retain: Bool?) {
        do { try client.publish(topic: topic, payload: payload, qos: qos, retain: retain) } catch {
            logger.warning("cannot publish", metadata: ["topic": "\(topic)", "error": "\(error)"])
        }
    }

    private func send(_ message: MQTTMessage) {
        do { try client.publish(message) } catch {
            logger.warning("cannot publish", metadata: ["topic": "\(message.topic)", "error": "\(error)"])
        }
    }
}
