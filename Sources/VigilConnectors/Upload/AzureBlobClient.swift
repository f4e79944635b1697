import Foundation
import Logging

/// The Blob service operations an upload needs: Put Blob, Put Block, Put Block List, Get Block
/// List and Get Blob Properties, authorized by Shared Key or SAS.
///
/// Stateless apart from its configuration; safe to share between tasks. Errors are
/// ``UploadError``s with the service's `x-ms-error-code` in `serviceCode`.
/// Spec: https://learn.microsoft.com/rest/api/storageservices/blob-service-rest-api
public struct AzureBlobClient: Sendable {
    public let configuration: AzureBlobConfiguration
    let transport: any StorageTransport
    let now: @Sendable () -> Date
    let logger: Logger

    public init(configuration: AzureBlobConfiguration, transport: any StorageTransport = URLSessionStorageTransport(),
                logger: Logger = Logger(label: "vigil.upload.azure"), now: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.transport = transport
        self.now = now
        self.logger = logger
    }

    /// The blob's path as sent: endpoint path, container and percent-encoded name.
    func path(blob: String?) -> String {
        let base = configuration.endpoint.path.hasSuffix("/") ? String(configuration.endpoint.path.dropLast()) : configuration.endpoint.path
        var path = base + "/" + S3Signer.uriEncode(configuration.container, encodeSlash: true)
        if let blob { path += "/" + S3Signer.uriEncode(blob, encodeSlash: false) }
        return path
    }

    /// Sends an authorized request for `blob` (or the container when nil); `query` holds decoded
    /// names and values.
    func send(_ method: String, blob: String?, query: [(String, String)] = [], headers: [String: String] = [:],
              body: Data = Data()) async throws -> StorageResponse {
        let path = path(blob: blob)
        var hostPort = configuration.endpoint.host ?? ""
        if let port = configuration.endpoint.port { hostPort += ":\(port)" }
        var queryText = S3Signer.canonicalQuery(query)
        if case .sas(let token) = configuration.authorization { queryText += (queryText.isEmpty ? "" : "&") + token }
        let text = "\(configuration.endpoint.scheme ?? "https")://\(hostPort)\(path)" + (queryText.isEmpty ? "" : "?" + queryText)
        guard let url = URL(string: text) else {
            throw UploadError(.invalidConfiguration, context: "\(method) \(configuration.container)/\(blob ?? "")", "cannot form a URL")
        }
        var sent = headers
        sent["x-ms-date"] = UTCTimestamp(now()).rfc1123
        sent["x-ms-version"] = configuration.version
        if method == "PUT" || !body.isEmpty {
            sent["Content-Length"] = "\(body.count)"
            sent["Content-Type"] = sent["Content-Type"] ?? "application/octet-stream"
        }
        if case .sharedKey(let credential) = configuration.authorization {
            sent["Authorization"] = AzureSharedKeySigner(credential: credential)
                .authorization(method: method, path: path, query: query, headers: sent)
        }
        let request = StorageRequest(method: method, url: url, headers: sent, body: body)
        logger.trace("Azure request", metadata: ["request": "\(request.redactedDescription)", "bytes": "\(body.count)"])
        let response = try await transport.send(request)
        logger.trace("Azure response", metadata: ["request": "\(request.redactedDescription)", "status": "\(response.status)"])
        guard (200..<300).contains(response.status) else {
            let parsed = response.body.isEmpty ? nil : UploadXMLElement.parse(response.body)
            let serviceCode = response[header: "x-ms-error-code"] ?? parsed?.value("Code")
            // The service's message for a bad signature quotes the string it signed (no key material),
            // but keep only its first line: the code says enough.
            let message = parsed?.value("Message")?.split(separator: "\n").first.map(String.init) ?? "HTTP \(response.status)"
            let code: UploadError.Code
            switch response.status {
            case 401, 403: code = .unauthorized
            case 500...599: code = .server
            default: code = .rejected
            }
            throw UploadError(code, context: request.redactedDescription, message, status: response.status, serviceCode: serviceCode)
        }
        return response
    }

    static func metadataHeaders(_ metadata: [String: String]) -> [String: String] {
        Dictionary(metadata.map { ("x-ms-meta-\($0.key.lowercased())", $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// Put Blob (BlockBlob) with Content-MD5 and `x-ms-meta-*`; returns the Content-MD5 the
    /// service answered (base64), if any.
    public func putBlob(name: String, body: Data, contentMD5: [UInt8], contentType: String,
                        metadata: [String: String]) async throws -> String? {
        var headers = Self.metadataHeaders(metadata)
        headers["x-ms-blob-type"] = "BlockBlob"
        headers["Content-MD5"] = Data(contentMD5).base64EncodedString()
        headers["Content-Type"] = contentType
        return try await send("PUT", blob: name, headers: headers, body: body)[header: "content-md5"]
    }

    /// Put Block with Content-MD5; returns the Content-MD5 the service answered (base64), if any.
    public func putBlock(name: String, blockID: String, body: Data, contentMD5: [UInt8]) async throws -> String? {
        let headers = ["Content-MD5": Data(contentMD5).base64EncodedString()]
        return try await send("PUT", blob: name, query: [("comp", "block"), ("blockid", blockID)], headers: headers, body: body)[header: "content-md5"]
    }

    /// Put Block List committing `blockIDs` (latest versions) in order, with the whole blob's
    /// MD5 (`x-ms-blob-content-md5`), content type and metadata.
    public func putBlockList(name: String, blockIDs: [String], blobMD5: [UInt8], contentType: String,
                             metadata: [String: String]) async throws {
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>"
        for id in blockIDs { xml += "<Latest>\(id.xmlEscaped)</Latest>" }
        xml += "</BlockList>"
        let body = Data(xml.utf8)
        var headers = Self.metadataHeaders(metadata)
        headers["x-ms-blob-content-md5"] = Data(blobMD5).base64EncodedString()
        headers["x-ms-blob-content-type"] = contentType
        headers["Content-MD5"] = Data(Digests.md5(body)).base64EncodedString()
        headers["Content-Type"] = "application/xml"
        _ = try await send("PUT", blob: name, query: [("comp", "blocklist")], headers: headers, body: body)
    }

    /// Get Block List: the uncommitted blocks (id → size); empty when the blob has none or does not exist.
    public func uncommittedBlocks(name: String) async throws -> [String: Int64] {
        let response: StorageResponse
        do {
            response = try await send("GET", blob: name, query: [("comp", "blocklist"), ("blocklisttype", "uncommitted")])
        } catch let error as UploadError where error.status == 404 {
            return [:]
        }
        guard let root = UploadXMLElement.parse(response.body) else {
            throw UploadError(.malformedResponse, context: "GET \(configuration.container)/\(name)?comp=blocklist", "unparsable BlockList")
        }
        var blocks: [String: Int64] = [:]
        for block in root.child("UncommittedBlocks")?.children("Block") ?? [] {
            if let id = block.value("Name"), let size = block.value("Size").flatMap({ Int64($0) }) { blocks[id] = size }
        }
        return blocks
    }

    /// Get Blob Properties: size, Content-MD5 (base64) and metadata; nil when there is no blob.
    public func blobProperties(name: String) async throws -> (size: Int64, contentMD5: String?, metadata: [String: String])? {
        do {
            let response = try await send("HEAD", blob: name)
            var metadata: [String: String] = [:]
            for (header, value) in response.headers where header.hasPrefix("x-ms-meta-") {
                metadata[String(header.dropFirst("x-ms-meta-".count))] = value
            }
            return (Int64(response[header: "content-length"] ?? "") ?? -1, response[header: "content-md5"], metadata)
        } catch let error as UploadError where error.status == 404 {
            return nil
        }
    }

    /// Get Blob: the whole body (tests and tools).
    public func getBlob(name: String) async throws -> Data {
        try await send("GET", blob: name).body
    }
}
