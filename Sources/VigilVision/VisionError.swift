/// Why a model bundle could not be loaded or an image could not be scored: names the file or
/// image and what is wrong.
public struct VisionError: Error, CustomStringConvertible, Sendable {
    public enum Code: Sendable { case bundle, image, model }
    public let code: Code
    public let subject: String
    public let detail: String

    public init(_ code: Code, _ subject: String, _ detail: String) {
        self.code = code
        self.subject = subject
        self.detail = detail
    }

    public var description: String { "\(subject): \(detail)" }

    static func bundle(_ subject: String, _ detail: String) -> VisionError { VisionError(.bundle, subject, detail) }
}
