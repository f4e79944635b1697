import Foundation
import GRDB
import VigilCore

extension EventStore {
    /// Inserts a new event, or replaces the stored one with the same id (the detector's `after`).
    public func save(_ event: Event) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO events (id, camera, label, top_score, box_left, box_top, box_width, box_height,
                                    zones, start_time, end_time, has_clip, has_snapshot)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET
                    camera = excluded.camera, label = excluded.label, top_score = excluded.top_score,
                    box_left = excluded.box_left, box_top = excluded.box_top, box_width = excluded.box_width,
                    box_height = excluded.box_height, zones = excluded.zones, start_time = excluded.start_time,
                    end_time = excluded.end_time, has_clip = excluded.has_clip, has_snapshot = excluded.has_snapshot
                """, arguments: Self.arguments(of: event))
        }
    }

    /// The event with this id, or nil.
    public func event(id: String) throws -> Event? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM events WHERE id = ?", arguments: [id]).map { try event(from: $0) }
        }
    }

    /// Events that pass the filter, newest first (by start time, then id).
    public func events(_ filter: EventFilter = EventFilter()) throws -> [Event] {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let camera = filter.camera { conditions.append("camera = ?"); arguments += [camera] }
        if let label = filter.label { conditions.append("label = ?"); arguments += [label] }
        if let from = filter.startedFrom { conditions.append("start_time >= ?"); arguments += [from.timeIntervalSince1970] }
        if let before = filter.startedBefore { conditions.append("start_time < ?"); arguments += [before.timeIntervalSince1970] }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        arguments += [max(0, filter.limit), max(0, filter.offset)]
        let sql = "SELECT * FROM events" + whereClause + " ORDER BY start_time DESC, id DESC LIMIT ? OFFSET ?"
        return try pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { try event(from: $0) }
        }
    }

    /// Deletes an event with its snapshots and clips, and cancels the uploads of their files that
    /// are not done; returns the paths of the files the caller should now delete from disk.
    @discardableResult
    public func deleteEvent(id: String) throws -> [String] {
        try pool.write { db in
            var paths: [String] = []
            for row in try Row.fetchAll(db, sql: "SELECT path, with_boxes_path FROM snapshots WHERE event_id = ? ORDER BY id",
                                        arguments: [id]) {
                paths.append(row["path"])
                if let withBoxes: String = row["with_boxes_path"] { paths.append(withBoxes) }
            }
            paths += try String.fetchAll(db, sql: "SELECT path FROM clips WHERE event_id = ? AND state != 'removed' ORDER BY id",
                                         arguments: [id])
            for path in paths {
                try db.execute(sql: "DELETE FROM uploads WHERE local_path = ? AND state != 'done'", arguments: [path])
            }
            try db.execute(sql: "DELETE FROM events WHERE id = ?", arguments: [id])
            return paths
        }
    }

    static func arguments(of event: Event) -> StatementArguments {
        let zones = (try? JSONEncoder().encode(event.zones)).flatMap { String(data: $0, encoding: .utf8) } ?? "[]"
        return [event.id, event.camera, event.label, event.topScore,
                event.box?.left, event.box?.top, event.box?.width, event.box?.height,
                zones, event.start.timeIntervalSince1970, event.end?.timeIntervalSince1970,
                event.hasClip, event.hasSnapshot]
    }

    func event(from row: Row) throws -> Event {
        let id: String = row["id"]
        let zonesText: String = row["zones"]
        guard let zones = try? JSONDecoder().decode([String].self, from: Data(zonesText.utf8)) else {
            throw EventStoreError.invalidRow(path, "event \(id): zones \(zonesText)")
        }
        var box: BoundingBox?
        if let left: Double = row["box_left"], let top: Double = row["box_top"],
           let width: Double = row["box_width"], let height: Double = row["box_height"] {
            box = BoundingBox(left: left, top: top, width: width, height: height)
        }
        let end: Double? = row["end_time"]
        return Event(id: id, camera: row["camera"], label: row["label"], topScore: row["top_score"], box: box,
                     zones: zones, start: Date(timeIntervalSince1970: row["start_time"]),
                     end: end.map(Date.init(timeIntervalSince1970:)), hasClip: row["has_clip"], hasSnapshot: row["has_snapshot"])
    }
}
