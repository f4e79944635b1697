/// Why an upload, or the configuration of one, failed: names what was being done and the reason.
///
/// `context` names the request (`PUT http://host/bucket/key`, never a query string, which may
/// carry a SAS token) or the configuration key path. Credentials never appear in any field:
/// reasons are built from status codes and the service's error code and message only.
public struct UploadError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is; decides whether the outbox retries.
    public enum Code: Sendable, Equatable {
        /// The configuration cannot work (unknown placeholder, bad URL, part size too small...).
        case invalidConfiguration
        /// The local file is missing, unreadable or changed since it was queued.
        case localFile
        /// The connection failed or timed out before a response came back.
        case network
        /// The service answered 5xx, or asked to slow down.
        case server
        /// The service refused the credentials or the permission (401, 403).
        case unauthorized
        /// The service rejected the request for another reason (4xx).
        case rejected
        /// What the service stored does not match what was sent (ETag, Content-MD5).
        case verification
        /// The response could not be understood.
        case malformedResponse
    }

    public let code: Code
    /// The request (`METHOD url-without-query`) or the configuration key path.
    public let context: String
    /// The reason in words.
    public let reason: String
    /// The HTTP status, when the service answered.
    public let status: Int?
    /// The service's own error code (`NoSuchUpload`, `AuthenticationFailed`...), when it sent one.
    public let serviceCode: String?

    public init(_ code: Code, context: String, _ reason: String, status: Int? = nil, serviceCode: String? = nil) {
        self.code = code
        self.context = context
        self.reason = reason
        self.status = status
        self.serviceCode = serviceCode
    }

    /// True when trying again later may succeed: network and server trouble, throttling, a
    /// digest mismatch in transit. Authorization and other refusals need an operator.
    public var isRetryable: Bool {
        switch code {
        case .network, .server, .verification, .malformedResponse: return true
        case .rejected:
            // Timeouts, conflicts while an operation is in progress, throttling, bad digest in transit.
            return [408, 409, 429].contains(status ?? 0) || ["RequestTimeout", "BadDigest", "Md5Mismatch"].contains(serviceCode ?? "")
        case .invalidConfiguration, .localFile, .unauthorized: return false
        }
    }

    public var description: String {
        var text = "upload: \(context): \(reason)"
        if let status { text += " (HTTP \(status)" + (serviceCode.map { " \($0)" } ?? "") + ")" }
        return text
    }
}
