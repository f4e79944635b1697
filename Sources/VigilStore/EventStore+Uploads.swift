import Foundation
import GRDB

extension EventStore {
    /// Adds a file to the outbox for one target, due at `now`; a file already queued for that
    /// target keeps its existing job, which is returned.
    @discardableResult
    public func enqueueUpload(kind: MediaKind, localPath: String, target: String, objectName: String,
                              at now: Date) throws -> UploadJob {
        try pool.write { db in
            let t = now.timeIntervalSince1970
            try db.execute(sql: """
                INSERT INTO uploads (kind, local_path, target, object_name, state, attempts, next_attempt_at, created, updated)
                VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)
                ON CONFLICT(local_path, target) DO NOTHING
                """, arguments: [kind.rawValue, localPath, target, objectName, t, t, t])
            let row = try Row.fetchOne(db, sql: "SELECT * FROM uploads WHERE local_path = ? AND target = ?",
                                       arguments: [localPath, target])
            return try upload(from: row!)
        }
    }

    /// The job due soonest that is due at `now` (`pending` or `failed`, next attempt not later
    /// than now; earliest first, then oldest id), or nil.
    public func nextDueUpload(at now: Date) throws -> UploadJob? {
        try pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT * FROM uploads WHERE state IN ('pending', 'failed') AND next_attempt_at <= ?
                ORDER BY next_attempt_at, id LIMIT 1
                """, arguments: [now.timeIntervalSince1970]).map { try upload(from: $0) }
        }
    }

    /// Claims a job for an attempt: `uploading`, one more attempt. Returns false when the job is not
    /// `pending` or `failed` any more (another uploader took it, or it was cancelled).
    public func markUploading(id: Int64, at now: Date) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: """
                UPDATE uploads SET state = 'uploading', attempts = attempts + 1, updated = ?
                WHERE id = ? AND state IN ('pending', 'failed')
                """, arguments: [now.timeIntervalSince1970, id])
            return db.changesCount > 0
        }
    }

    /// Marks a job done; it is never due again.
    public func markUploadDone(id: Int64, at now: Date) throws {
        try update(id: id, sql: "state = 'done', next_attempt_at = NULL, last_error = NULL, updated = ?",
                   [now.timeIntervalSince1970])
    }

    /// Marks a job failed with the error's text; it is due again at `retryAt`, or never when nil.
    public func markUploadFailed(id: Int64, error: String, retryAt: Date?, at now: Date) throws {
        try update(id: id, sql: "state = 'failed', last_error = ?, next_attempt_at = ?, updated = ?",
                   [error, retryAt?.timeIntervalSince1970, now.timeIntervalSince1970])
    }

    /// Keeps the target's resume state of a partial upload (JSON text), or clears it with nil.
    public func saveResumeToken(id: Int64, _ token: String?, at now: Date) throws {
        try update(id: id, sql: "resume_token = ?, updated = ?", [token, now.timeIntervalSince1970])
    }

    /// Puts jobs left `uploading` by a crash back to `pending`, due at `now`; returns how many.
    @discardableResult
    public func resetInterruptedUploads(at now: Date) throws -> Int {
        try pool.write { db in
            let t = now.timeIntervalSince1970
            try db.execute(sql: "UPDATE uploads SET state = 'pending', next_attempt_at = ?, updated = ? WHERE state = 'uploading'",
                           arguments: [t, t])
            return db.changesCount
        }
    }

    /// Jobs in the given states (all when empty), oldest first: what `vigil uploads` lists.
    public func uploads(states: Set<UploadJob.State> = [], limit: Int = 1000) throws -> [UploadJob] {
        let wanted = states.map(\.rawValue).sorted()
        var sql = "SELECT * FROM uploads"
        var arguments = StatementArguments()
        if !wanted.isEmpty {
            sql += " WHERE state IN (" + wanted.map { _ in "?" }.joined(separator: ", ") + ")"
            arguments += StatementArguments(wanted)
        }
        sql += " ORDER BY id LIMIT ?"
        arguments += [max(0, limit)]
        return try pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { try upload(from: $0) }
        }
    }

    private func update(id: Int64, sql: String, _ arguments: StatementArguments) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE uploads SET " + sql + " WHERE id = ?", arguments: arguments + [id])
            guard db.changesCount > 0 else { throw EventStoreError.notFound(path, "upload \(id)") }
        }
    }

    func upload(from row: Row) throws -> UploadJob {
        let id: Int64 = row["id"]
        let kindText: String = row["kind"], stateText: String = row["state"]
        guard let kind = MediaKind(rawValue: kindText), let state = UploadJob.State(rawValue: stateText) else {
            throw EventStoreError.invalidRow(path, "upload \(id): kind \(kindText), state \(stateText)")
        }
        let next: Double? = row["next_attempt_at"]
        return UploadJob(id: id, kind: kind, localPath: row["local_path"], target: row["target"], objectName: row["object_name"],
                         state: state, attempts: row["attempts"], lastError: row["last_error"],
                         nextAttemptAt: next.map(Date.init(timeIntervalSince1970:)), resumeToken: row["resume_token"],
                         created: Date(timeIntervalSince1970: row["created"]), updated: Date(timeIntervalSince1970: row["updated"]))
    }
}
