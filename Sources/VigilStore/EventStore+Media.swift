import Foundation
import GRDB
import VigilCore

extension EventStore {
    /// Records a snapshot of an event; returns the paths of the snapshot it replaces (a better frame
    /// came), which the caller deletes from disk. Uploads of the replaced files that are not done are cancelled.
    @discardableResult
    public func addSnapshot(_ snapshot: EventSnapshot) throws -> [String] {
        try pool.write { db in
            let old = try Row.fetchAll(db, sql: "SELECT path, with_boxes_path FROM snapshots WHERE event_id = ? AND path != ?",
                                       arguments: [snapshot.eventID, snapshot.path])
            let replaced = old.flatMap { row -> [String] in [row["path"], row["with_boxes_path"]].compactMap { $0 } }
            for path in replaced {
                try db.execute(sql: "DELETE FROM uploads WHERE local_path = ? AND state != 'done'", arguments: [path])
            }
            try db.execute(sql: "DELETE FROM snapshots WHERE event_id = ? AND path != ?", arguments: [snapshot.eventID, snapshot.path])
            try db.execute(sql: """
                INSERT INTO snapshots (event_id, path, with_boxes_path, bytes, created) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(path) DO UPDATE SET with_boxes_path = excluded.with_boxes_path, bytes = excluded.bytes,
                                                created = excluded.created
                """, arguments: [snapshot.eventID, snapshot.path, snapshot.withBoxesPath, snapshot.bytes,
                                 snapshot.created.timeIntervalSince1970])
            try db.execute(sql: "UPDATE events SET has_snapshot = 1 WHERE id = ?", arguments: [snapshot.eventID])
            return replaced
        }
    }

    /// The event's snapshot, or nil.
    public func snapshot(eventID: String) throws -> EventSnapshot? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM snapshots WHERE event_id = ? ORDER BY id DESC LIMIT 1",
                             arguments: [eventID]).map(Self.snapshot(from:))
        }
    }

    /// Forgets the snapshot stored at `path` (retention deleted it) and clears the event's
    /// `has_snapshot`; returns the paths to delete from disk (the plain and the boxed JPEG).
    @discardableResult
    public func removeSnapshot(path: String) throws -> [String] {
        try pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM snapshots WHERE path = ?", arguments: [path]) else { return [] }
            let snapshot = Self.snapshot(from: row)
            try db.execute(sql: "DELETE FROM snapshots WHERE path = ?", arguments: [path])
            try db.execute(sql: "UPDATE events SET has_snapshot = 0 WHERE id = ?", arguments: [snapshot.eventID])
            return [snapshot.path] + (snapshot.withBoxesPath.map { [$0] } ?? [])
        }
    }

    /// Records a clip (normally in state `writing`, as its file is opened) and sets the event's `has_clip`.
    ///
    /// Returns false and changes nothing when a clip at the same path is already recorded: an event
    /// that starts while another event's clip is still open is recorded in that clip (the clip is
    /// extended), which stays the first event's.
    @discardableResult
    public func addClip(_ clip: Clip, created: Date) throws -> Bool {
        try pool.write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM clips WHERE path = ?", arguments: [clip.path]) != nil { return false }
            try db.execute(sql: """
                INSERT INTO clips (event_id, path, start_time, end_time, bytes, codec, state, created)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [clip.eventID, clip.path, clip.start.timeIntervalSince1970, clip.end?.timeIntervalSince1970,
                                 clip.bytes, clip.codec, clip.state.rawValue, created.timeIntervalSince1970])
            try db.execute(sql: "UPDATE events SET has_clip = 1 WHERE id = ?", arguments: [clip.eventID])
            return true
        }
    }

    /// Marks the clip at `path` complete, with its end time and final size.
    public func finalizeClip(path: String, end: Date, bytes: Int64) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE clips SET state = 'finalized', end_time = ?, bytes = ? WHERE path = ?",
                           arguments: [end.timeIntervalSince1970, bytes, path])
            guard db.changesCount > 0 else { throw EventStoreError.notFound(self.path, "clip \(path)") }
        }
    }

    /// Marks the clip at `path` removed (its file was deleted); the row stays, the event's `has_clip`
    /// is cleared when none of its clips is left.
    public func markClipRemoved(path: String) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE clips SET state = 'removed' WHERE path = ?", arguments: [path])
            try db.execute(sql: """
                UPDATE events SET has_clip = 0 WHERE id = (SELECT event_id FROM clips WHERE path = ?)
                AND NOT EXISTS (SELECT 1 FROM clips WHERE event_id = events.id AND state != 'removed')
                """, arguments: [path])
        }
    }

    /// The event's clips, oldest first.
    public func clips(eventID: String) throws -> [Clip] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM clips WHERE event_id = ? ORDER BY start_time, id",
                             arguments: [eventID]).map { try clip(from: $0) }
        }
    }

    /// Clips still `writing`, oldest first: at start-up these were cut short by a crash, and the
    /// caller finalizes (`finalizeClip`) or removes (`markClipRemoved`) each one.
    public func clipsBeingWritten() throws -> [Clip] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM clips WHERE state = 'writing' ORDER BY start_time, id").map { try clip(from: $0) }
        }
    }

    static func snapshot(from row: Row) -> EventSnapshot {
        EventSnapshot(eventID: row["event_id"], path: row["path"], withBoxesPath: row["with_boxes_path"], bytes: row["bytes"],
                 created: Date(timeIntervalSince1970: row["created"]))
    }

    func clip(from row: Row) throws -> Clip {
        let stateText: String = row["state"]
        guard let state = Clip.State(rawValue: stateText) else {
            throw EventStoreError.invalidRow(path, "clip \(row["path"] as String): state \(stateText)")
        }
        let end: Double? = row["end_time"]
        return Clip(eventID: row["event_id"], path: row["path"], start: Date(timeIntervalSince1970: row["start_time"]),
                    end: end.map(Date.init(timeIntervalSince1970:)), bytes: row["bytes"], codec: row["codec"], state: state)
    }
}
