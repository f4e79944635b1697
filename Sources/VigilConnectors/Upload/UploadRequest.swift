import Foundation

/// A local file to upload, as a caller (the event recorder) asks for it.
public struct UploadRequest: Sendable, Equatable {
    /// Unique in the outbox; default `<target>/<event id>/<kind>`, so asking twice for the same
    /// event's clip queues it once.
    public var id: String?
    public var file: URL
    /// The ``UploadTarget`` name.
    public var target: String
    /// What the object name is made of.
    public var fields: ObjectNameFields
    /// Stored with the object (`tags`, `score`, `camera`...). Names: lower-case letters, digits and
    /// `_`, starting with a letter; values outside printable ASCII are percent-encoded.
    public var metadata: [String: String]
    /// Default: from the extension (`video/mp4`, `image/jpeg`, else `application/octet-stream`).
    public var contentType: String?

    public init(id: String? = nil, file: URL, target: String, fields: ObjectNameFields,
                metadata: [String: String] = [:], contentType: String? = nil) {
        self.id = id
        self.file = file
        self.target = target
        self.fields = fields
        self.metadata = metadata
        self.contentType = contentType
    }

    /// The content type for a file extension.
    public static func contentType(forExtension ext: String) -> String {
        switch ext.lowercased() {
        case "mp4", "m4v": return "video/mp4"
        case "mkv": return "video/x-matroska"
        case "jpg", "jpeg": return "image/jpeg"
        case "png": return "image/png"
        case "json": return "application/json"
        default: return "application/octet-stream"
        }
    }

    /// Checks the metadata names and makes the values safe for HTTP headers.
    static func sanitized(_ metadata: [String: String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for (name, value) in metadata {
            let scalars = Array(name.unicodeScalars)
            let valid = !scalars.isEmpty && scalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
                && ("a"..."z").contains(scalars[0])
            guard valid else {
                throw UploadError(.invalidConfiguration, context: "metadata.\(name)",
                                  "metadata names must be lower-case letters, digits and '_', starting with a letter")
            }
            var encoded = ""
            for byte in value.utf8 {
                if (0x20...0x7e).contains(byte), byte != UInt8(ascii: "%") {
                    encoded.append(Character(UnicodeScalar(byte)))
                } else {
                    encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
                }
            }
            out[name] = encoded
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
