import Foundation

/// One file to copy to one upload target, as the outbox keeps it between attempts and restarts.
///
/// A job is written (`pending`) before the first attempt, so a crash never loses it. The uploader
/// claims a due job (`uploading`), then marks it `done`, or `failed` with the time of its next
/// attempt (nil: given up). Jobs found `uploading` at start-up were interrupted and go back to `pending`.
public struct UploadJob: Sendable, Hashable, Identifiable {
    /// Where a job is in its life.
    public enum State: String, Sendable, Hashable, CaseIterable {
        case pending, uploading, done, failed
    }

    /// The outbox's row id.
    public var id: Int64
    public var kind: MediaKind
    /// The file on this machine.
    public var localPath: String
    /// The configured target's name (a key of the configuration, never a URL with a secret).
    public var target: String
    /// The blob or object name at the target.
    public var objectName: String
    public var state: State
    /// Attempts started so far.
    public var attempts: Int
    /// The last attempt's error text, if it failed.
    public var lastError: String?
    /// When the job is due; nil for jobs that are done or given up.
    public var nextAttemptAt: Date?
    /// The target's resume state of a partial upload (JSON text: block ids, upload id...), if any.
    public var resumeToken: String?
    public var created: Date
    public var updated: Date

    public init(id: Int64, kind: MediaKind, localPath: String, target: String, objectName: String, state: State = .pending,
                attempts: Int = 0, lastError: String? = nil, nextAttemptAt: Date?, resumeToken: String? = nil,
                created: Date, updated: Date) {
        self.id = id
        self.kind = kind
        self.localPath = localPath
        self.target = target
        self.objectName = objectName
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.nextAttemptAt = nextAttemptAt
        self.resumeToken = resumeToken
        self.created = created
        self.updated = updated
    }
}
