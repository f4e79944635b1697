/// The topics Vigil publishes under one prefix.
///
///     <prefix>/nodes/<node>/available  "online" / "offline", retained (birth and last will)
///     <prefix>/nodes/<node>/status     the node's report (version, URL, models, cameras), retained
///     <prefix>/nodes/<node>/events     event start/stop documents
///     <prefix>/<camera>/predictions    the prediction document of each analysed frame
///     <prefix>/<camera>/status         the camera pipeline's state
///     <prefix>/<camera>/<tag>          the current count of one tag, retained
///
/// Instances sharing a broker each keep their availability, report and events under their node
/// id, so one node's last will never marks another offline and a fleet dashboard can subscribe to
/// `<prefix>/nodes/+/...`. Camera names are shared by the fleet: they must be unique across it.
///
/// Camera names and tags become single topic levels, so MQTT's wildcard and separator characters
/// (`+`, `#`, `/`) cannot appear in them: ``sanitizedLevel(_:)`` replaces each with `_` (and the NUL
/// character too, which MQTT forbids), and an empty name becomes `_`. Camera names are validated at
/// configuration time with ``validateLevel(_:)``; tag names come from models and are sanitized.
public struct MQTTTopics: Sendable, Equatable {
    /// The first topic level(s); default "vigil". May itself contain `/` (e.g. "site1/vigil").
    public let prefix: String
    /// This instance's node id (one topic level).
    public let node: String

    public init(prefix: String = "vigil", node: String) {
        self.prefix = prefix
        self.node = Self.sanitizedLevel(node)
    }

    /// `<prefix>/nodes/<node>/available`: the retained birth / last-will topic.
    public var availability: String { "\(prefix)/nodes/\(node)/available" }
    /// `<prefix>/nodes/<node>/status`: the node's retained report.
    public var nodeStatus: String { "\(prefix)/nodes/\(node)/status" }
    /// `<prefix>/nodes/<node>/events`.
    public var events: String { "\(prefix)/nodes/\(node)/events" }
    /// `<prefix>/+/predictions`: every camera's predictions, for the display role.
    public var allPredictions: String { "\(prefix)/+/predictions" }

    /// The node-level topics a fleet dashboard subscribes to.
    public enum NodeTopic: String, Sendable, CaseIterable {
        case available, status, events
    }

    /// `<prefix>/nodes/+/<kind>`: that topic of every node.
    public func everyNode(_ kind: NodeTopic) -> String { "\(prefix)/nodes/+/\(kind.rawValue)" }

    /// The node id and kind of a `<prefix>/nodes/<node>/<kind>` topic, or nil for any other topic.
    public func node(fromNodeTopic topic: String) -> (node: String, kind: NodeTopic)? {
        let head = prefix + "/nodes/"
        guard topic.hasPrefix(head) else { return nil }
        let levels = topic.dropFirst(head.count).split(separator: "/", omittingEmptySubsequences: false)
        guard levels.count == 2, !levels[0].isEmpty, let kind = NodeTopic(rawValue: String(levels[1])) else { return nil }
        return (String(levels[0]), kind)
    }

    /// `<prefix>/<camera>/predictions`.
    public func predictions(camera: String) -> String { "\(prefix)/\(Self.sanitizedLevel(camera))/predictions" }
    /// `<prefix>/<camera>/status`.
    public func status(camera: String) -> String { "\(prefix)/\(Self.sanitizedLevel(camera))/status" }
    /// `<prefix>/<camera>/<tag>`, the tag name sanitized.
    public func tag(_ tag: String, camera: String) -> String {
        "\(prefix)/\(Self.sanitizedLevel(camera))/\(Self.sanitizedLevel(tag))"
    }

    /// The camera name of a `<prefix>/<camera>/predictions` topic, or nil for any other topic.
    public func camera(fromPredictionsTopic topic: String) -> String? {
        let head = prefix + "/", tail = "/predictions"
        guard topic.hasPrefix(head), topic.hasSuffix(tail), topic.count > head.count + tail.count else { return nil }
        let camera = topic.dropFirst(head.count).dropLast(tail.count)
        return camera.contains("/") ? nil : String(camera)
    }

    /// `name` with `+`, `#`, `/` and NUL replaced by `_`; `_` for an empty name.
    public static func sanitizedLevel(_ name: String) -> String {
        guard !name.isEmpty else { return "_" }
        return String(name.map { "+#/\u{0}".contains($0) ? "_" : $0 })
    }

    /// Throws when `name` cannot be one topic level as is (empty, or holding `+`, `#`, `/`, NUL).
    /// `what` names the value in the error, e.g. "cameras[2].name".
    public static func validateLevel(_ name: String, what: String = "camera name") throws {
        if name.isEmpty {
            throw MQTTError(.invalidConfiguration, endpoint: "topic", "\(what) is empty")
        }
        if let bad = name.first(where: { "+#/\u{0}".contains($0) }) {
            let shown = bad == "\u{0}" ? "NUL" : "'\(bad)'"
            throw MQTTError(.invalidConfiguration, endpoint: "topic", "\(what) '\(name)' contains \(shown), which MQTT topic levels cannot hold")
        }
    }
}
