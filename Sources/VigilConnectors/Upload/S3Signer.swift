import Crypto
import Foundation

/// AWS Signature Version 4 for S3 requests signed in the Authorization header.
///
/// Pure functions of the request, the credentials and the instant: the canonical request, the
/// string to sign, the signing key and the signature, each exposed so that tests can compare them
/// with AWS's published examples. Specs:
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html and
/// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
public struct S3Signer: Sendable {
    /// The hash of an empty payload.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// The `x-amz-content-sha256` value that leaves the payload out of the signature.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    public let credentials: S3Credentials
    public let region: String
    public let service: String

    public init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// A request to sign. `path` is the canonical (already URI-encoded) path, exactly as sent;
    /// `query` holds decoded names and values; `headers` are the headers to sign (`host` included).
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var query: [(String, String)]
        public var headers: [String: String]
        public var payloadHash: String

        public init(method: String, path: String, query: [(String, String)] = [], headers: [String: String], payloadHash: String) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }
    }

    /// The headers to add to `request` before sending: `x-amz-date`, `x-amz-content-sha256`,
    /// `x-amz-security-token` (temporary credentials) and `Authorization`.
    public func signedHeaders(for request: Request, at date: Date) -> [String: String] {
        var request = request
        let stamp = UTCTimestamp(date)
        var added = ["x-amz-date": stamp.amzDate, "x-amz-content-sha256": request.payloadHash]
        if let token = credentials.sessionToken { added["x-amz-security-token"] = token }
        for (name, value) in added { request.headers[name] = value }
        added["Authorization"] = authorization(for: request, at: date)
        return added
    }

    /// `AWS4-HMAC-SHA256 Credential=…/scope,SignedHeaders=…,Signature=…` for a request whose
    /// headers already include `x-amz-date` and `x-amz-content-sha256`.
    public func authorization(for request: Request, at date: Date) -> String {
        let stamp = UTCTimestamp(date)
        let (canonical, signed) = canonicalRequest(request)
        let signature = self.signature(stringToSign: stringToSign(canonicalRequest: canonical, at: date), at: date)
        return "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(stamp)),"
            + "SignedHeaders=\(signed),Signature=\(signature)"
    }

    /// The canonical request and the `;`-joined lower-case names of the signed headers.
    public func canonicalRequest(_ request: Request) -> (canonical: String, signedHeaders: String) {
        var headers: [(String, String)] = request.headers.map { name, value in
            (name.lowercased(), Self.trimmedHeaderValue(value))
        }
        headers.sort { $0.0 < $1.0 }
        let signed = headers.map(\.0).joined(separator: ";")
        let canonicalHeaders = headers.map { "\($0.0):\($0.1)\n" }.joined()
        let lines = [
            request.method,
            request.path.isEmpty ? "/" : request.path,
            Self.canonicalQuery(request.query),
            canonicalHeaders,
            signed,
            request.payloadHash,
        ]
        return (lines.joined(separator: "\n"), signed)
    }

    /// `AWS4-HMAC-SHA256`, the timestamp, the scope and the hex SHA-256 of the canonical request.
    public func stringToSign(canonicalRequest: String, at date: Date) -> String {
        let stamp = UTCTimestamp(date)
        return ["AWS4-HMAC-SHA256", stamp.amzDate, scope(stamp), Digests.sha256Hex(Data(canonicalRequest.utf8))]
            .joined(separator: "\n")
    }

    /// The hex HMAC-SHA256 of `stringToSign` under the day's signing key.
    public func signature(stringToSign: String, at date: Date) -> String {
        let key = signingKey(at: date)
        return Digests.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
    }

    /// HMAC chain: `AWS4`+secret → date → region → service → `aws4_request`.
    func signingKey(at date: Date) -> SymmetricKey {
        func hmac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)))
        }
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [UTCTimestamp(date).dateStamp, region, service, "aws4_request"] { key = hmac(key, part) }
        return key
    }

    private func scope(_ stamp: UTCTimestamp) -> String { "\(stamp.dateStamp)/\(region)/\(service)/aws4_request" }

    /// Query parameters encoded and sorted by name, then value: `a=1&b=` (a name with no value
    /// keeps its `=`).
    public static func canonicalQuery(_ query: [(String, String)]) -> String {
        var pairs: [(name: String, value: String)] = []
        for (name, value) in query {
            pairs.append((uriEncode(name, encodeSlash: true), uriEncode(value, encodeSlash: true)))
        }
        pairs.sort { (a: (name: String, value: String), b: (name: String, value: String)) -> Bool in
            a.name == b.name ? a.value < b.value : a.name < b.name
        }
        var parts: [String] = []
        for pair in pairs { parts.append(pair.name + "=" + pair.value) }
        return parts.joined(separator: "&")
    }

    /// SigV4's URI encoding: every byte but `A-Z a-z 0-9 - _ . ~` as `%XY` (upper-case hex);
    /// `/` kept when `encodeSlash` is false (object key paths).
    public static func uriEncode(_ text: String, encodeSlash: Bool) -> String {
        let hex: [Character] = Array("0123456789ABCDEF")
        var out = ""
        for byte in text.utf8 {
            if unreserved[Int(byte)] || (byte == 0x2F && !encodeSlash) {
                out.append(Character(UnicodeScalar(byte)))
            } else {
                out.append("%")
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0f)])
            }
        }
        return out
    }

    /// `A-Z a-z 0-9 - _ . ~` by byte value.
    private static let unreserved: [Bool] = (0..<256).map { (value: Int) -> Bool in
        let byte = UInt8(value)
        if byte >= 0x41 && byte <= 0x5A { return true }
        if byte >= 0x61 && byte <= 0x7A { return true }
        if byte >= 0x30 && byte <= 0x39 { return true }
        return byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x7E
    }

    /// Leading and trailing spaces removed, inner runs of spaces collapsed to one.
    static func trimmedHeaderValue(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
    }
}
