/// Why a file could not be read as a TensorFlow Lite model: names the file and what was being
/// read, at which byte offset, when it went wrong.
///
/// The reader throws it for an empty or foreign file, a wrong file identifier, a truncated or
/// corrupt FlatBuffer (an offset, vector or string that leaves the file) and for values the schema
/// does not define (an unknown enum value, a tensor index past the end of the tensor list).
public struct TFLiteFormatError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let detail: String

    public init(file: String, detail: String) {
        self.file = file
        self.detail = detail
    }

    public var description: String { "\(file): \(detail)" }
}
