import Foundation

/// Where and how clips go to an S3-compatible bucket (AWS S3, MinIO, Ceph, moto...).
///
/// Requests use path-style addressing, `<endpoint>/<bucket>/<key>`, which every S3-compatible
/// service accepts. Sizes are in bytes.
/// Spec: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html and
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html
public struct S3Configuration: Sendable, Equatable {
    /// The smallest part S3 accepts, except the last (5 MiB).
    public static let minimumPartSize = 5 * 1024 * 1024
    /// The most parts one upload may have.
    public static let maximumPartCount = 10_000

    /// The service, e.g. `https://s3.eu-west-1.amazonaws.com` or `http://minio:9000`. No default.
    public var endpoint: URL
    /// The signing region. Default `us-east-1` (what MinIO and most stand-ins expect).
    public var region = "us-east-1"
    public var bucket: String
    public var credentials: S3Credentials
    /// Files larger than this go as a multipart upload. Default 8 MiB.
    public var multipartThreshold = 8 * 1024 * 1024
    /// The size of each part but the last. Default 8 MiB; at least 5 MiB; grown when a file would
    /// need more than 10,000 parts.
    public var partSize = 8 * 1024 * 1024
    /// Send `UNSIGNED-PAYLOAD` instead of hashing each body (saves CPU; only over HTTPS, where
    /// TLS protects the body; Content-MD5 still guards it). Default false.
    public var unsignedPayload = false

    public init(endpoint: URL, bucket: String, credentials: S3Credentials) {
        self.endpoint = endpoint
        self.bucket = bucket
        self.credentials = credentials
    }

    /// Checks the fields; the error names the key path under `keyPath`.
    public func validate(keyPath: String = "upload.s3") throws {
        guard let scheme = endpoint.scheme, ["http", "https"].contains(scheme), endpoint.host != nil else {
            throw UploadError(.invalidConfiguration, context: "\(keyPath).endpoint", "must be an http or https URL")
        }
        guard !bucket.isEmpty, !bucket.contains("/") else {
            throw UploadError(.invalidConfiguration, context: "\(keyPath).bucket", "must be a bucket name without '/'")
        }
        guard partSize >= Self.minimumPartSize else {
            throw UploadError(.invalidConfiguration, context: "\(keyPath).part_size", "must be at least 5 MiB (\(Self.minimumPartSize) bytes)")
        }
        guard multipartThreshold >= 0 else {
            throw UploadError(.invalidConfiguration, context: "\(keyPath).multipart_threshold", "must not be negative")
        }
        guard !credentials.accessKeyID.isEmpty, !credentials.secretAccessKey.isEmpty else {
            throw UploadError(.invalidConfiguration, context: "\(keyPath).credentials", "access key id and secret are required")
        }
        if unsignedPayload, scheme != "https" {
            throw UploadError(.invalidConfiguration, context: "\(keyPath).unsigned_payload", "allowed over https only")
        }
    }

    /// The part size for a file of `size` bytes: `partSize`, doubled until 10,000 parts suffice.
    public func effectivePartSize(forFileOfSize size: Int64) -> Int {
        var part = partSize
        while Int64(part) * Int64(Self.maximumPartCount) < size { part *= 2 }
        return part
    }
}
