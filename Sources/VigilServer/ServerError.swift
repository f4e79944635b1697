import Foundation
import Hummingbird
import VigilCore

/// A client-facing failure: an HTTP status and a message naming the problem, sent as JSON
/// `{"error": {"code": ..., "message": ...}}`. Never carries secrets or stack traces.
public struct ServerError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Seconds a client should wait before retrying (503).
    public let retryAfter: Int?

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfter { fields[.retryAfter] = "\(retryAfter)" }
        let body = "{\"error\":{\"code\":\(JSONText.string(code)),\"message\":\(JSONText.string(message))}}"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func badImage(_ message: String) -> ServerError { ServerError(.badRequest, code: "BadImage", message) }
    static func badRequest(_ message: String) -> ServerError { ServerError(.badRequest, code: "BadRequest", message) }
    static func unknownModel(_ name: String, available: [String]) -> ServerError {
        ServerError(.notFound, code: "NotFound", "no model named '\(name)' is loaded (available: \(available.joined(separator: ", ")))")
    }
    static func tooLarge(_ limit: Int) -> ServerError {
        ServerError(.contentTooLarge, code: "TooLarge", "the image is larger than \(limit) bytes")
    }
    static func overloaded(retryAfter: Int) -> ServerError {
        ServerError(.serviceUnavailable, code: "Busy", "every worker is busy and the queue is full; retry shortly", retryAfter: retryAfter)
    }
}
