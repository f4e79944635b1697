import Foundation
import Synchronization
import VigilConnectors
import VigilCore

/// What a fleet dashboard knows of every node reporting to the broker: its availability (birth
/// and last will), its latest report (version, URL, models, cameras) and its recent events.
///
/// Fed by MQTT messages on `<prefix>/nodes/+/{available,status,events}` (retained ones included,
/// so a fleet dashboard that starts late still lists every node), read by `GET /api/fleet`.
/// Payloads are kept as the JSON text they arrived in, checked to be JSON objects; anything else
/// is counted and dropped.
public final class FleetView: Sendable {
    /// Recent events kept per node.
    public static let eventsKept = 10

    struct Node: Sendable {
        var available: String?
        var report: String?
        var events: [String] = []
        var lastSeen: Date
    }

    /// This instance's own node id.
    public let selfNode: String
    private let nodes = Mutex<[String: Node]>([:])
    private let rejected = Atomic<Int>(0)

    public init(selfNode: String) {
        self.selfNode = selfNode
    }

    /// One message from `node`'s `kind` topic. An empty payload (a cleared retained message)
    /// forgets what that topic said; a node with nothing left is forgotten.
    public func receive(node: String, kind: MQTTTopics.NodeTopic, payload: [UInt8], at now: Date = Date()) {
        if payload.isEmpty {
            nodes.withLock { nodes in
                guard var entry = nodes[node] else { return }
                switch kind {
                case .available: entry.available = nil
                case .status: entry.report = nil
                case .events: return
                }
                nodes[node] = entry.available == nil && entry.report == nil ? nil : entry
            }
            return
        }
        let text = String(decoding: payload, as: UTF8.self)
        if kind != .available {
            guard (try? JSONSerialization.jsonObject(with: Data(payload))) is [String: Any] else {
                rejected.add(1, ordering: .relaxed)
                return
            }
        }
        nodes.withLock { nodes in
            var entry = nodes[node] ?? Node(lastSeen: now)
            entry.lastSeen = now
            switch kind {
            case .available: entry.available = text.trimmingCharacters(in: .whitespacesAndNewlines)
            case .status: entry.report = text
            case .events:
                entry.events.append(text)
                if entry.events.count > Self.eventsKept { entry.events.removeFirst(entry.events.count - Self.eventsKept) }
            }
            nodes[node] = entry
        }
    }

    /// Messages dropped because their payload was not a JSON object.
    public var rejectedMessages: Int { rejected.load(ordering: .relaxed) }

    /// The node ids known, sorted.
    public var nodeNames: [String] { nodes.withLock { $0.keys.sorted() } }

    /// `{self, nodes:[{node, online, available, lastSeen, report, events}]}`, nodes sorted by id;
    /// `online` is true only while the node's availability says `online`.
    public func json() -> String {
        let snapshot = nodes.withLock { $0 }
        let formatter = ISO8601DateFormatter()
        let items = snapshot.keys.sorted().map { name -> String in
            let node = snapshot[name]!
            var out = "{\"node\":\(JSONText.string(name)),\"online\":\(node.available == "online")"
            out += ",\"available\":" + (node.available.map(JSONText.string) ?? "null")
            out += ",\"lastSeen\":\(JSONText.string(formatter.string(from: node.lastSeen)))"
            out += ",\"report\":" + (node.report ?? "null")
            out += ",\"events\":[" + node.events.reversed().joined(separator: ",") + "]}"
            return out
        }
        return "{\"self\":\(JSONText.string(selfNode)),\"nodes\":[\(items.joined(separator: ","))]}"
    }
}
