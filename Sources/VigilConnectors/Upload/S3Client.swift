import Foundation
import Logging

/// The S3 REST operations an upload needs, signed with SigV4, over path-style URLs.
///
/// Stateless apart from its configuration; safe to share between tasks. Each method returns the
/// parsed answer or throws ``UploadError``: `.unauthorized` for 401/403, `.server` for 5xx,
/// `.rejected` for other 4xx, with S3's error code (`NoSuchUpload`...) in `serviceCode`.
/// Spec: https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html
public struct S3Client: Sendable {
    public let configuration: S3Configuration
    let transport: any StorageTransport
    let signer: S3Signer
    let now: @Sendable () -> Date
    let logger: Logger

    public init(configuration: S3Configuration, transport: any StorageTransport = URLSessionStorageTransport(),
                logger: Logger = Logger(label: "vigil.upload.s3"), now: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.transport = transport
        self.signer = S3Signer(credentials: configuration.credentials, region: configuration.region)
        self.now = now
        self.logger = logger
    }

    /// Sends a signed request to `/<bucket>/<key>` (or `/<bucket>` when `key` is nil).
    /// `query` holds decoded names and values.
    func send(_ method: String, key: String?, query: [(String, String)] = [], headers: [String: String] = [:],
              body: Data = Data()) async throws -> StorageResponse {
        let basePath = configuration.endpoint.path.hasSuffix("/") ? String(configuration.endpoint.path.dropLast()) : configuration.endpoint.path
        var path = basePath + "/" + S3Signer.uriEncode(configuration.bucket, encodeSlash: true)
        if let key { path += "/" + S3Signer.uriEncode(key, encodeSlash: false) }
        var text = "\(configuration.endpoint.scheme ?? "http")://\(hostHeader)\(path)"
        let queryString = S3Signer.canonicalQuery(query)
        if !queryString.isEmpty { text += "?" + queryString }
        guard let url = URL(string: text) else {
            throw UploadError(.invalidConfiguration, context: "\(method) \(configuration.bucket)/\(key ?? "")", "cannot form a URL")
        }
        let payloadHash = configuration.unsignedPayload ? S3Signer.unsignedPayload : Digests.sha256Hex(body)
        var toSign = headers
        toSign["host"] = hostHeader
        if !body.isEmpty || method == "PUT" || method == "POST" {
            toSign["content-type"] = toSign["content-type"] ?? "application/octet-stream"
        }
        let request = S3Signer.Request(method: method, path: path, query: query, headers: toSign, payloadHash: payloadHash)
        var sent = toSign
        sent.removeValue(forKey: "host")  // URLSession sets Host from the URL, as signed
        for (name, value) in signer.signedHeaders(for: request, at: now()) { sent[name] = value }
        let httpRequest = StorageRequest(method: method, url: url, headers: sent, body: body)
        logger.trace("S3 request", metadata: ["request": "\(httpRequest.redactedDescription)", "bytes": "\(body.count)"])
        let response = try await transport.send(httpRequest)
        logger.trace("S3 response", metadata: ["request": "\(httpRequest.redactedDescription)", "status": "\(response.status)"])
        if let error = Self.error(in: response, request: httpRequest) { throw error }
        return response
    }

    /// `host[:port]` as the URL carries it (and as URLSession sends it).
    var hostHeader: String {
        let host = configuration.endpoint.host ?? ""
        if let port = configuration.endpoint.port { return "\(host):\(port)" }
        return host
    }

    /// The ``UploadError`` for a non-2xx answer, or for an `<Error>` inside a 200
    /// (CompleteMultipartUpload can answer so); nil for success.
    static func error(in response: StorageResponse, request: StorageRequest) -> UploadError? {
        let parsed = response.body.isEmpty ? nil : UploadXMLElement.parse(response.body)
        if (200..<300).contains(response.status) {
            guard let parsed, parsed.name == "Error" else { return nil }
        }
        let serviceCode = parsed?.value("Code")
        let message = parsed?.value("Message") ?? "HTTP \(response.status)"
        let code: UploadError.Code
        switch response.status {
        case 401, 403: code = .unauthorized
        case 500...599: code = .server
        case 200..<300: code = .server  // an error inside a 200: treat as transient
        default: code = .rejected
        }
        return UploadError(code, context: request.redactedDescription, message, status: response.status, serviceCode: serviceCode)
    }

    /// CreateBucket (used by tests and setup; an existing bucket of ours is not an error).
    public func createBucket() async throws {
        var body = Data()
        if configuration.region != "us-east-1" {
            body = Data(("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<LocationConstraint>\(configuration.region.xmlEscaped)</LocationConstraint></CreateBucketConfiguration>").utf8)
        }
        do {
            _ = try await send("PUT", key: nil, body: body)
        } catch let error as UploadError where error.serviceCode == "BucketAlreadyOwnedByYou" {
            return
        }
    }

    /// PutObject with Content-MD5 and `x-amz-meta-*`; returns the ETag without quotes.
    public func putObject(key: String, body: Data, contentMD5: [UInt8], contentType: String,
                          metadata: [String: String]) async throws -> String {
        var headers = Self.metadataHeaders(metadata)
        headers["content-md5"] = Data(contentMD5).base64EncodedString()
        headers["content-type"] = contentType
        let response = try await send("PUT", key: key, headers: headers, body: body)
        return Self.unquoted(response[header: "etag"] ?? "")
    }

    /// HeadObject: the ETag (unquoted), size and `x-amz-meta-*` values (names without prefix);
    /// nil when there is no such object.
    public func headObject(key: String) async throws -> (etag: String, size: Int64, metadata: [String: String])? {
        do {
            let response = try await send("HEAD", key: key)
            var metadata: [String: String] = [:]
            for (name, value) in response.headers where name.hasPrefix("x-amz-meta-") {
                metadata[String(name.dropFirst("x-amz-meta-".count))] = value
            }
            return (Self.unquoted(response[header: "etag"] ?? ""), Int64(response[header: "content-length"] ?? "") ?? -1, metadata)
        } catch let error as UploadError where error.status == 404 {
            return nil
        }
    }

    /// GetObject: the whole body.
    public func getObject(key: String) async throws -> Data {
        try await send("GET", key: key).body
    }

    /// ListObjectsV2: every key under `prefix` (follows continuation tokens).
    public func listObjects(prefix: String = "") async throws -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            let response = try await send("GET", key: nil, query: query)
            guard let root = UploadXMLElement.parse(response.body) else {
                throw UploadError(.malformedResponse, context: "GET \(configuration.bucket)?list-type=2", "unparsable ListBucketResult")
            }
            keys += root.children("Contents").compactMap { $0.value("Key") }
            token = root.value("IsTruncated") == "true" ? root.value("NextContinuationToken") : nil
        } while token != nil
        return keys
    }

    static func metadataHeaders(_ metadata: [String: String]) -> [String: String] {
        Dictionary(metadata.map { ("x-amz-meta-\($0.key.lowercased())", $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    static func unquoted(_ etag: String) -> String {
        etag.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
    }
}
