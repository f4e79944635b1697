import Foundation

/// Where and how clips go to an Azure Blob Storage container.
///
/// `endpoint` is the account's blob service URL: `https://<account>.blob.core.windows.net`, or a
/// path-style emulator URL such as `http://127.0.0.1:10000/devstoreaccount1`; blobs are at
/// `<endpoint>/<container>/<name>`. Sizes are in bytes.
/// Spec: https://learn.microsoft.com/rest/api/storageservices/put-blob and
/// https://learn.microsoft.com/rest/api/storageservices/put-block
public struct AzureBlobConfiguration: Sendable, Equatable {
    /// How requests are authorized.
    public enum Authorization: Sendable, Equatable, CustomStringConvertible {
        /// Shared Key: each request signed with the account key.
        case sharedKey(AzureSharedKeyCredential)
        /// A shared access signature (`sv=…&sig=…`, no leading `?`) appended to every request's
        /// query; nothing is signed locally.
        case sas(String)

        public var description: String {
            switch self {
            case .sharedKey(let credential): return "shared key for \(credential.account)"
            case .sas: return "SAS (redacted)"
            }
        }
    }

    /// The most blocks one blob may have.
    public static let maximumBlockCount = 50_000

    public var endpoint: URL
    public var container: String
    public var authorization: Authorization
    /// `x-ms-version`. Default 2021-08-06.
    public var version = "2021-08-06"
    /// Files up to this size go as one Put Blob; larger ones as blocks. Default 8 MiB.
    public var singlePutThreshold = 8 * 1024 * 1024
    /// The size of each block but the last. Default 8 MiB; grown when a file would need more
    /// than 50,000 blocks.
    public var blockSize = 8 * 1024 * 1024

    public init(endpoint: URL, container: String, authorization: Authorization) {
        self.endpoint = endpoint
        self.container = container
        self.authorization = authorization
    }

    /// Checks the fields; the error names the key path under `keyPath`.
    public func validate(keyPath: String = "upload.azure") throws {
        guard let scheme = endpoint.scheme, ["http", "https"].contains(scheme), endpoint.host != nil else {
            throw UploadError(.invalidConfiguration, context: "\(keyPath).endpoint", "must be an http or https URL")
        }
        guard !container.isEmpty, !container.contains("/") else {
            throw UploadError(.invalidConfiguration, context: "\(keyPath).container", "must be a container name without '/'")
        }
        guard blockSize > 0, blockSize <= 4000 * 1024 * 1024 else {
            throw UploadError(.invalidConfiguration, context: "\(keyPath).block_size", "must be between 1 byte and 4000 MiB")
        }
        guard singlePutThreshold >= 0 else {
            throw UploadError(.invalidConfiguration, context: "\(keyPath).single_put_threshold", "must not be negative")
        }
        if case .sas(let token) = authorization, token.isEmpty || token.hasPrefix("?") {
            throw UploadError(.invalidConfiguration, context: "\(keyPath).sas", "must be the query without '?'")
        }
    }

    /// The block size for a file of `size` bytes: `blockSize`, doubled until 50,000 blocks suffice.
    public func effectiveBlockSize(forFileOfSize size: Int64) -> Int {
        var block = blockSize
        while Int64(block) * Int64(Self.maximumBlockCount) < size { block *= 2 }
        return block
    }
}
