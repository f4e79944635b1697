/// An access key pair for an S3-compatible service, with an optional session token.
///
/// Its `description` shows the first four characters of the key id only, so that printing a
/// configuration or an error never leaks the secret.
public struct S3Credentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    /// `x-amz-security-token` for temporary credentials (STS); nil for long-term keys.
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    public var description: String { "S3Credentials(\(accessKeyID.prefix(4))…, secret redacted)" }
    public var debugDescription: String { description }
}
