/// Why an ONNX file could not be imported: names the file and, where it applies, the node,
/// initializer or attribute at fault.
public struct ONNXImportError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let detail: String

    public init(file: String, _ detail: String) {
        self.file = file
        self.detail = detail
    }

    public var description: String { "\(file): \(detail)" }
}
