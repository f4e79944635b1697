import Foundation

/// The multipart upload operations: create, upload part, list parts, complete, abort.
/// Spec: https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html
extension S3Client {
    /// One uploaded part: its number (from 1) and the ETag S3 gave it (unquoted).
    public struct Part: Sendable, Equatable, Codable {
        public var number: Int
        public var etag: String
        /// The part's size as S3 reports it (ListParts); nil when not known.
        public var size: Int64?

        public init(number: Int, etag: String, size: Int64? = nil) {
            self.number = number
            self.etag = etag
            self.size = size
        }
    }

    /// CreateMultipartUpload with the content type and `x-amz-meta-*`; returns the UploadId.
    public func createMultipartUpload(key: String, contentType: String, metadata: [String: String]) async throws -> String {
        var headers = Self.metadataHeaders(metadata)
        headers["content-type"] = contentType
        let response = try await send("POST", key: key, query: [("uploads", "")], headers: headers)
        guard let id = UploadXMLElement.parse(response.body)?.value("UploadId"), !id.isEmpty else {
            throw UploadError(.malformedResponse, context: "POST \(configuration.bucket)/\(key)?uploads", "no UploadId in the answer")
        }
        return id
    }

    /// UploadPart with Content-MD5; returns the part's ETag (unquoted).
    public func uploadPart(key: String, uploadID: String, number: Int, body: Data, contentMD5: [UInt8]) async throws -> String {
        let headers = ["content-md5": Data(contentMD5).base64EncodedString()]
        let response = try await send("PUT", key: key, query: [("partNumber", "\(number)"), ("uploadId", uploadID)],
                                      headers: headers, body: body)
        return Self.unquoted(response[header: "etag"] ?? "")
    }

    /// ListParts: every part uploaded so far (follows `NextPartNumberMarker`). Throws with
    /// `serviceCode == "NoSuchUpload"` when the upload was completed or aborted.
    public func listParts(key: String, uploadID: String) async throws -> [Part] {
        var parts: [Part] = []
        var marker: String?
        repeat {
            var query = [("uploadId", uploadID)]
            if let marker { query.append(("part-number-marker", marker)) }
            let response = try await send("GET", key: key, query: query)
            guard let root = UploadXMLElement.parse(response.body) else {
                throw UploadError(.malformedResponse, context: "GET \(configuration.bucket)/\(key)?uploadId", "unparsable ListPartsResult")
            }
            for part in root.children("Part") {
                guard let number = part.value("PartNumber").flatMap(Int.init), let etag = part.value("ETag") else { continue }
                parts.append(Part(number: number, etag: Self.unquoted(etag), size: part.value("Size").flatMap { Int64($0) }))
            }
            marker = root.value("IsTruncated") == "true" ? root.value("NextPartNumberMarker") : nil
        } while marker != nil
        return parts
    }

    /// CompleteMultipartUpload with the parts in order; returns the object's ETag (unquoted).
    public func completeMultipartUpload(key: String, uploadID: String, parts: [Part]) async throws -> String {
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for part in parts.sorted(by: { $0.number < $1.number }) {
            xml += "<Part><PartNumber>\(part.number)</PartNumber><ETag>\"\(part.etag.xmlEscaped)\"</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let response = try await send("POST", key: key, query: [("uploadId", uploadID)],
                                      headers: ["content-type": "application/xml"], body: Data(xml.utf8))
        guard let etag = UploadXMLElement.parse(response.body)?.value("ETag") else {
            throw UploadError(.malformedResponse, context: "POST \(configuration.bucket)/\(key)?uploadId", "no ETag in the answer")
        }
        return Self.unquoted(etag)
    }

    /// AbortMultipartUpload: frees the stored parts. A missing upload is not an error.
    public func abortMultipartUpload(key: String, uploadID: String) async throws {
        do {
            _ = try await send("DELETE", key: key, query: [("uploadId", uploadID)])
        } catch let error as UploadError where error.serviceCode == "NoSuchUpload" || error.status == 404 {
            return
        }
    }

    /// The ETag S3 gives a multipart object: hex MD5 of the parts' binary MD5s, `-`, part count.
    public static func multipartETag(partMD5s: [[UInt8]]) -> String {
        Digests.hex(Digests.md5(Data(partMD5s.joined()))) + "-\(partMD5s.count)"
    }
}
