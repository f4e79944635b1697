import Foundation

/// Any JSON value of a display payload, decoded without a schema so that the payload parser
/// can name exactly what is wrong.
enum PayloadJSON: Decodable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([PayloadJSON])
    case object([String: PayloadJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([PayloadJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: PayloadJSON].self))
        }
    }

    /// Decodes JSON text, whatever its top-level value.
    static func parse(_ bytes: some Collection<UInt8>) throws -> PayloadJSON {
        try JSONDecoder().decode(PayloadJSON.self, from: Data(bytes))
    }

    /// The kind of value, for error messages ("a string", "an array").
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
