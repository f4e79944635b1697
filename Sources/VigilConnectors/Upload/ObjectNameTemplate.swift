import Foundation

/// The values an object name is made of: the event and the file it produced.
public struct ObjectNameFields: Sendable, Equatable {
    public var camera: String
    /// When the event started; `{date}` and `{time}` are its UTC calendar fields.
    public var timestamp: Date
    public var eventID: String
    /// `clip` or `snapshot`.
    public var kind: String
    /// The file extension without the dot (`mp4`, `jpg`).
    public var ext: String

    public init(camera: String, timestamp: Date, eventID: String, kind: String, ext: String) {
        self.camera = camera
        self.timestamp = timestamp
        self.eventID = eventID
        self.kind = kind
        self.ext = ext
    }
}

/// An object name pattern such as `{camera}/{date}/{event_id}.mp4`, checked when configured.
///
/// Placeholders: `{camera}`, `{date}` (YYYY-MM-DD, UTC), `{time}` (HH-MM-SS, UTC), `{event_id}`,
/// `{kind}`, `{ext}`. Values are made safe for object names: anything but letters, digits,
/// `-`, `_` and `.` becomes `_`, so a camera name cannot add path segments. Default
/// ``defaultPattern``.
public struct ObjectNameTemplate: Sendable, Equatable, CustomStringConvertible {
    public static let defaultPattern = "{camera}/{date}/{event_id}.{ext}"
    public static let placeholders = ["camera", "date", "time", "event_id", "kind", "ext"]

    enum Piece: Sendable, Equatable {
        case literal(String)
        case placeholder(String)
    }

    public let pattern: String
    let pieces: [Piece]

    /// Parses `pattern`; the error names the unknown placeholder or the unclosed brace, under
    /// `keyPath`.
    public init(_ pattern: String = ObjectNameTemplate.defaultPattern, keyPath: String = "upload.object_name") throws {
        var pieces: [Piece] = []
        var literal = ""
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{") {
            literal += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw UploadError(.invalidConfiguration, context: keyPath, "'{' without a closing '}' in \"\(pattern)\"")
            }
            let name = String(rest[rest.index(after: open)..<close])
            guard Self.placeholders.contains(name) else {
                throw UploadError(.invalidConfiguration, context: keyPath,
                                  "unknown placeholder {\(name)} in \"\(pattern)\"; known: "
                                  + Self.placeholders.map { "{\($0)}" }.joined(separator: ", "))
            }
            if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" }
            pieces.append(.placeholder(name))
            rest = rest[rest.index(after: close)...]
        }
        literal += rest
        if literal.contains("}") {
            throw UploadError(.invalidConfiguration, context: keyPath, "'}' without an opening '{' in \"\(pattern)\"")
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        guard !pieces.isEmpty, !pattern.hasPrefix("/") else {
            throw UploadError(.invalidConfiguration, context: keyPath, "must be a non-empty name not starting with '/'")
        }
        self.pattern = pattern
        self.pieces = pieces
    }

    /// The object name for `fields`.
    public func render(_ fields: ObjectNameFields) -> String {
        let stamp = UTCTimestamp(fields.timestamp)
        return pieces.map { piece -> String in
            switch piece {
            case .literal(let text): return text
            case .placeholder(let name):
                switch name {
                case "camera": return Self.safe(fields.camera)
                case "date": return stamp.isoDate
                case "time": return stamp.isoTime
                case "event_id": return Self.safe(fields.eventID)
                case "kind": return Self.safe(fields.kind)
                default: return Self.safe(fields.ext)
                }
            }
        }.joined()
    }

    public var description: String { pattern }

    /// Letters, digits, `-`, `_`, `.` kept; anything else `_`; never empty, `.` or `..`.
    static func safe(_ value: String) -> String {
        var out = String(value.unicodeScalars.map { scalar -> Character in
            let ok = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "-_.".unicodeScalars.contains(scalar))
            return ok ? Character(scalar) : "_"
        })
        if out.isEmpty || out == "." || out == ".." { out = "_" }
        return out
    }
}
