import Foundation
import VigilStore

extension EventRecorder {
    /// Applies the retention policy once: plans with `RetentionPlanner` (age per kind, the size
    /// cap and the free-space floor; uploaded files first, then the oldest; never an active
    /// event's), deletes the files, records it in the database and logs each deletion with its
    /// reason. Returns what was deleted. Runs on the events queue.
    @discardableResult
    func applyRetention(now: Date = Date()) -> [RetentionPlanner.Deletion] {
        do {
            let uploaded = uploadedPaths()
            let files = try store.storedFiles(uploadTargets: []).map { file in
                var file = file
                file.uploaded = uploaded.contains(file.path)
                return file
            }
            let free = (try? FileManager.default.attributesOfFileSystem(forPath: storage.directory.path)[.systemFreeSize] as? NSNumber)?
                .int64Value ?? Int64.max
            let plan = RetentionPlanner.plan(files: files, policy: storage.retention, freeBytes: free,
                                             activeEventIDs: activeEventIDs, now: now)
            for deletion in plan {
                switch deletion.file.kind {
                case .clip: try store.markClipRemoved(path: deletion.file.path)
                case .snapshot:
                    for path in try store.removeSnapshot(path: deletion.file.path) where path != deletion.file.path {
                        try? FileManager.default.removeItem(atPath: path)
                    }
                }
                try? FileManager.default.removeItem(atPath: deletion.file.path)
                metrics?.retentionDeleted(kind: deletion.file.kind == .clip ? "clip" : "snapshot")
                logger.info("retention deleted a file", metadata: [
                    "path": "\(deletion.file.path)", "event": "\(deletion.file.eventID)", "reason": "\(deletion.reason)",
                    "bytes": "\(deletion.file.bytes)"])
            }
            return plan
        } catch {
            logger.error("retention failed", metadata: ["error": "\(error)"])
            return []
        }
    }
}
