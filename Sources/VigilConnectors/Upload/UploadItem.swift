import Foundation

/// Where an item stands in the outbox.
public enum UploadState: Sendable, Equatable, Codable {
    /// Waiting for its attempt (first or next, at `nextAttemptAt`).
    case pending
    /// An attempt is under way (or was, when the process died: restored as pending).
    case uploading
    /// The service confirmed the object (ETag / Content-MD5 verified).
    case done
    /// Given up: an operator may retry it. The reason names no secret.
    case failed(reason: String)
}

/// What a resumed attempt continues from: the service-side upload and what it already holds.
public enum UploadResumeToken: Sendable, Equatable, Codable {
    /// An S3 multipart upload: its UploadId, the part size it was cut with, and the parts whose
    /// ETags S3 confirmed.
    case s3Multipart(uploadID: String, partSize: Int, parts: [S3Client.Part])
    /// Azure blocks staged (uncommitted) so far, with the block size used to cut them.
    case azureBlocks(blockSize: Int, blockIDs: [String])
}

/// One local file on its way to a storage target, as the journal persists it.
public struct UploadItem: Sendable, Equatable, Codable, Identifiable {
    /// Unique in the outbox (the caller's event id and kind, or a UUID).
    public var id: String
    /// Absolute path of the local file.
    public var file: String
    /// The name of the ``UploadTarget`` it goes to.
    public var target: String
    /// The object (S3 key, blob name) it becomes.
    public var objectName: String
    public var contentType: String
    /// Stored as `x-amz-meta-*` / `x-ms-meta-*`; names are lower-case identifiers.
    public var metadata: [String: String]
    /// Bytes, as measured when queued.
    public var size: Int64
    /// Hex MD5 of the file, as measured when queued; the upload is verified against it.
    public var md5: String
    public var state: UploadState
    /// Attempts started so far.
    public var attempts: Int
    /// Not before this instant is the next attempt made.
    public var nextAttemptAt: Date
    public var resume: UploadResumeToken?
    public var createdAt: Date
    /// The last failure's reason, kept after a later success for the record.
    public var lastError: String?
    public var completedAt: Date?

    public init(id: String, file: String, target: String, objectName: String, contentType: String,
                metadata: [String: String], size: Int64, md5: String, createdAt: Date) {
        self.id = id
        self.file = file
        self.target = target
        self.objectName = objectName
        self.contentType = contentType
        self.metadata = metadata
        self.size = size
        self.md5 = md5
        self.state = .pending
        self.attempts = 0
        self.nextAttemptAt = createdAt
        self.resume = nil
        self.createdAt = createdAt
        self.lastError = nil
        self.completedAt = nil
    }
}

/// What the service confirmed for a finished upload.
public struct UploadReceipt: Sendable, Equatable {
    /// The object's ETag (S3) or Content-MD5 (Azure, base64).
    public var verifiedBy: String
    /// Requests that carried file bytes in the final attempt (parts, blocks or one PUT).
    public var bodiesSent: Int

    public init(verifiedBy: String, bodiesSent: Int) {
        self.verifiedBy = verifiedBy
        self.bodiesSent = bodiesSent
    }
}

/// Callbacks an upload makes while it runs.
public struct UploadAttemptContext: Sendable {
    /// Called after each confirmed part or block, with what a restart would resume from; the
    /// uploader persists it before the next part is sent.
    public var progressed: @Sendable (UploadResumeToken) async throws -> Void
    /// Called before sending `bytes` of file data; waits as the bandwidth limit requires.
    public var throttle: @Sendable (Int) async throws -> Void

    public init(progressed: @escaping @Sendable (UploadResumeToken) async throws -> Void = { _ in },
                throttle: @escaping @Sendable (Int) async throws -> Void = { _ in }) {
        self.progressed = progressed
        self.throttle = throttle
    }
}

/// A storage service that takes whole files: S3 (``S3Client``) or Azure Blob
/// (``AzureBlobClient``).
public protocol UploadDestination: Sendable {
    /// Uploads `item`'s file as `item.objectName`, resuming from `item.resume` when set, and
    /// returns once the service confirmed what it stored matches the file's MD5.
    func upload(_ item: UploadItem, context: UploadAttemptContext) async throws -> UploadReceipt
    /// Frees what a given-up upload left on the service (S3: AbortMultipartUpload).
    func abandon(_ item: UploadItem) async throws
}
