import Foundation

/// Home Assistant MQTT discovery: one retained sensor config per camera and tag.
///
/// Home Assistant subscribes to `homeassistant/#`; each retained config message under
/// `homeassistant/sensor/<object id>/config` creates a sensor whose state is the tag count Vigil
/// publishes to `<prefix>/<camera>/<tag>`, shown unavailable while `<prefix>/nodes/<node>/available` is
/// `offline`. When Home Assistant restarts it publishes `online` to `homeassistant/status`;
/// ``shouldRepublish(statusPayload:)`` says when to send the configs again.
/// See https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery.
///
/// Pure: builds messages, publishes nothing.
public struct HomeAssistantDiscovery: Sendable, Equatable {
    /// The topic Home Assistant announces its own availability on.
    public static let statusTopic = "homeassistant/status"

    /// This Vigil instance in Home Assistant (device identifier and object-id prefix); sanitized.
    public var nodeID: String
    /// The device name shown in Home Assistant; default "Vigil <nodeID>".
    public var deviceName: String
    /// The device model shown in Home Assistant; default "Vigil edge vision".
    public var model: String
    /// Where the states are published.
    public var topics: MQTTTopics
    /// The discovery prefix Home Assistant listens on; default "homeassistant".
    public var discoveryPrefix: String

    public init(
        nodeID: String,
        topics: MQTTTopics,
        deviceName: String? = nil,
        model: String = "Vigil edge vision",
        discoveryPrefix: String = "homeassistant"
    ) {
        self.nodeID = Self.objectIDPart(nodeID)
        self.topics = topics
        self.deviceName = deviceName ?? "Vigil \(nodeID)"
        self.model = model
        self.discoveryPrefix = discoveryPrefix
    }

    /// The retained config messages (QoS 1) for every camera × tag, cameras then tags in the given order.
    public func configMessages(cameras: [String], tags: [String]) -> [MQTTMessage] {
        cameras.flatMap { camera in
            tags.map { tag in
                let objectID = [nodeID, Self.objectIDPart(camera), Self.objectIDPart(tag)].joined(separator: "_")
                let config = SensorConfig(
                    name: "\(camera) \(tag)",
                    unique_id: objectID,
                    state_topic: topics.tag(tag, camera: camera),
                    availability_topic: topics.availability,
                    payload_available: "online",
                    payload_not_available: "offline",
                    device: Device(identifiers: [nodeID], name: deviceName, manufacturer: "Vigil", model: model)
                )
                return MQTTMessage(
                    topic: "\(discoveryPrefix)/sensor/\(objectID)/config",
                    payload: Array(Self.encode(config)),
                    qos: 1,
                    retain: true
                )
            }
        }
    }

    /// True when a message on `homeassistant/status` means Home Assistant (re)started and needs the
    /// configs again: the payload is `online` (surrounding whitespace ignored).
    public static func shouldRepublish(statusPayload: [UInt8]) -> Bool {
        String(decoding: statusPayload, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "online"
    }

    /// Home Assistant object ids allow `[a-zA-Z0-9_-]`; anything else becomes `_`.
    static func objectIDPart(_ text: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        let mapped = String(text.map { allowed.contains($0) ? $0 : "_" })
        return mapped.isEmpty ? "_" : mapped
    }

    private static func encode(_ config: SensorConfig) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings cannot fail.
        return (try? encoder.encode(config)) ?? Data()
    }

    private struct Device: Encodable {
        let identifiers: [String]
        let name: String
        let manufacturer: String
        let model: String
    }

    private struct SensorConfig: Encodable {
        let name: String
        let unique_id: String
        let state_topic: String
        let availability_topic: String
        let payload_available: String
        let payload_not_available: String
        let device: Device
    }
}
