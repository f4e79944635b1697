import GRDB

extension EventStore {
    /// The schema's history: named migrations that are only ever appended, never edited.
    ///
    /// Times are stored as unix seconds (REAL), byte counts as INTEGER, enumerations as their raw
    /// text; deleting an event deletes its snapshots and clips (foreign keys, ON DELETE CASCADE).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-events") { db in
            try db.create(table: "events") { t in
                t.primaryKey("id", .text)
                t.column("camera", .text).notNull()
                t.column("label", .text).notNull()
                t.column("top_score", .double).notNull()
                t.column("box_left", .double)
                t.column("box_top", .double)
                t.column("box_width", .double)
                t.column("box_height", .double)
                t.column("zones", .text).notNull().defaults(to: "[]")
                t.column("start_time", .double).notNull()
                t.column("end_time", .double)
                t.column("has_clip", .boolean).notNull().defaults(to: false)
                t.column("has_snapshot", .boolean).notNull().defaults(to: false)
            }
            try db.create(index: "events_on_start_time", on: "events", columns: ["start_time"])
            try db.create(index: "events_on_camera_start_time", on: "events", columns: ["camera", "start_time"])
        }
        migrator.registerMigration("v1-snapshots") { db in
            try db.create(table: "snapshots") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("event_id", .text).notNull().indexed().references("events", onDelete: .cascade)
                t.column("path", .text).notNull().unique()
                t.column("with_boxes_path", .text)
                t.column("bytes", .integer).notNull()
                t.column("created", .double).notNull()
            }
        }
        migrator.registerMigration("v1-clips") { db in
            try db.create(table: "clips") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("event_id", .text).notNull().indexed().references("events", onDelete: .cascade)
                t.column("path", .text).notNull().unique()
                t.column("start_time", .double).notNull()
                t.column("end_time", .double)
                t.column("bytes", .integer).notNull()
                t.column("codec", .text).notNull()
                t.column("state", .text).notNull().check { ["writing", "finalized", "removed"].contains($0) }
                t.column("created", .double).notNull()
            }
            try db.create(index: "clips_on_state", on: "clips", columns: ["state"])
        }
        migrator.registerMigration("v1-uploads") { db in
            try db.create(table: "uploads") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("kind", .text).notNull().check { ["snapshot", "clip"].contains($0) }
                t.column("local_path", .text).notNull()
                t.column("target", .text).notNull()
                t.column("object_name", .text).notNull()
                t.column("state", .text).notNull().check { ["pending", "uploading", "done", "failed"].contains($0) }
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("last_error", .text)
                t.column("next_attempt_at", .double)
                t.column("resume_token", .text)
                t.column("created", .double).notNull()
                t.column("updated", .double).notNull()
                t.uniqueKey(["local_path", "target"])
            }
            try db.create(index: "uploads_on_state_next_attempt_at", on: "uploads", columns: ["state", "next_attempt_at"])
        }
        return migrator
    }
}
