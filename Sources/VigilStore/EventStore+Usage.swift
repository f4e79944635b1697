import Foundation
import GRDB

extension EventStore {
    /// Bytes of snapshots and of clips not removed.
    public func storageUsage() throws -> StorageUsage {
        try pool.read { db in
            let snapshots = try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(bytes), 0) FROM snapshots") ?? 0
            let clips = try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(bytes), 0) FROM clips WHERE state != 'removed'") ?? 0
            return StorageUsage(snapshotBytes: snapshots, clipBytes: clips)
        }
    }

    /// The snapshots and finalized clips on disk, oldest first, as the retention planner takes them.
    ///
    /// A file counts as uploaded when every one of `uploadTargets` has a `done` job for it; with no
    /// targets nothing is uploaded. Clips still writing are left out: they belong to active events
    /// or to crash recovery.
    public func storedFiles(uploadTargets: Set<String>) throws -> [StoredFile] {
        try pool.read { db in
            var done: [String: Set<String>] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT local_path, target FROM uploads WHERE state = 'done'") {
                done[row["local_path"], default: []].insert(row["target"])
            }
            func uploaded(_ path: String) -> Bool { !uploadTargets.isEmpty && uploadTargets.isSubset(of: done[path] ?? []) }
            var files: [StoredFile] = []
            for row in try Row.fetchAll(db, sql: "SELECT event_id, path, bytes, created FROM snapshots") {
                let path: String = row["path"]
                files.append(StoredFile(path: path, kind: .snapshot, bytes: row["bytes"],
                                        created: Date(timeIntervalSince1970: row["created"]),
                                        uploaded: uploaded(path), eventID: row["event_id"]))
            }
            for row in try Row.fetchAll(db, sql: "SELECT event_id, path, bytes, created FROM clips WHERE state = 'finalized'") {
                let path: String = row["path"]
                files.append(StoredFile(path: path, kind: .clip, bytes: row["bytes"],
                                        created: Date(timeIntervalSince1970: row["created"]),
                                        uploaded: uploaded(path), eventID: row["event_id"]))
            }
            return files.sorted { ($0.created, $0.path) < ($1.created, $1.path) }
        }
    }
}
