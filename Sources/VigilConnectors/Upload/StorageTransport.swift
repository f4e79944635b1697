import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request as the storage clients build it: method, URL, headers and the whole body.
public struct StorageRequest: Sendable {
    public var method: String
    public var url: URL
    /// Header names as sent; the signers read them case-insensitively.
    public var headers: [String: String]
    public var body: Data

    public init(method: String, url: URL, headers: [String: String] = [:], body: Data = Data()) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// `METHOD scheme://host:port/path`, without the query (which may hold a SAS token): what
    /// errors and logs name.
    public var redactedDescription: String { "\(method) \(StorageRequest.redacted(url))" }

    /// `url` without its query string and user info.
    public static func redacted(_ url: URL) -> String {
        guard var parts = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "<url>" }
        parts.query = nil
        parts.user = nil
        parts.password = nil
        return parts.string ?? "<url>"
    }
}

/// An HTTP response: status, headers with lower-cased names, and the whole body.
public struct StorageResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.body = body
    }

    /// A header by lower-case name.
    public subscript(header name: String) -> String? { headers[name.lowercased()] }
}

/// Sends requests: URLSession in production, decorators in tests (counting, cutting).
public protocol StorageTransport: Sendable {
    /// Sends `request` and returns the response, or throws an ``UploadError`` with code `.network`.
    func send(_ request: StorageRequest) async throws -> StorageResponse
}

/// ``StorageTransport`` over URLSession (FoundationNetworking on Linux).
///
/// Each request has `timeout` seconds (default 120) of inactivity before it fails; no redirects
/// are expected from the storage services. Thread-safe.
public struct URLSessionStorageTransport: StorageTransport {
    private let session: URLSession
    private let timeout: Double

    public init(timeout: Double = 120) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
        self.timeout = timeout
    }

    public func send(_ request: StorageRequest) async throws -> StorageResponse {
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        if !request.body.isEmpty || ["PUT", "POST"].contains(request.method) { urlRequest.httpBody = request.body }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: urlRequest)
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as URLError {
            if error.code == .cancelled, Task.isCancelled { throw CancellationError() }
            // The URLError's own text may repeat the URL with its query: name the code only.
            throw UploadError(.network, context: request.redactedDescription, Self.reason(error.code))
        } catch {
            throw UploadError(.network, context: request.redactedDescription, "transport error \(type(of: error))")
        }
        guard let http = response as? HTTPURLResponse else {
            throw UploadError(.malformedResponse, context: request.redactedDescription, "not an HTTP response")
        }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return StorageResponse(status: http.statusCode, headers: headers, body: data)
    }

    /// A few words for a URLError code (never its text, which may quote the URL's query).
    static func reason(_ code: URLError.Code) -> String {
        let words: String
        switch code {
        case .timedOut: words = "timed out"
        case .cannotConnectToHost: words = "cannot connect"
        case .networkConnectionLost: words = "connection lost"
        case .cannotFindHost, .dnsLookupFailed: words = "cannot resolve the host"
        case .notConnectedToInternet: words = "no network"
        case .secureConnectionFailed, .serverCertificateUntrusted: words = "TLS failed"
        default: words = "transport error"
        }
        return "\(words) (URLError \(code.rawValue))"
    }
}
