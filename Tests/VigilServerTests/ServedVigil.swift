import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import VigilTestSupport

/// A real `vigil serve` process on 127.0.0.1 with a port it picked, stopped with SIGTERM.
final class ServedVigil: @unchecked Sendable {
    let child: ChildProcess
    let base: URL

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        // Request logs at info would be one line per request; the tests read only the start line.
        child = try ChildProcess(VigilBinary.url, ["serve", "--host", "127.0.0.1"] + arguments,
                                 environment: ["LOG_LEVEL": "warning"].merging(environment) { $1 })
        let line = try child.waitForLine(containing: "vigil serving")
        guard let range = line.range(of: "http://127.0.0.1:"), let port = Int(line[range.upperBound...].prefix { $0.isNumber }) else {
            child.terminate()
            throw ChildProcessError(detail: "no URL in '\(line)'")
        }
        base = URL(string: "http://127.0.0.1:\(port)")!
    }

    func stop() -> Int32 { child.terminate() }
}

/// A response as the tests look at it.
struct HTTPResult: Sendable {
    let status: Int
    let headers: [String: String]
    let body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
}

enum HTTP {
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        configuration.httpMaximumConnectionsPerHost = 64
        return URLSession(configuration: configuration)
    }()

    static func send(_ method: String, _ url: URL, body: Data? = nil, contentType: String? = nil) async throws -> HTTPResult {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.httpBody = body
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headers["\(key)".lowercased()] = "\(value)" }
        return HTTPResult(status: http.statusCode, headers: headers, body: data)
    }

    static func get(_ url: URL) async throws -> HTTPResult { try await send("GET", url) }

    static func postImage(_ url: URL, _ image: Data) async throws -> HTTPResult {
        try await send("POST", url, body: image, contentType: "application/octet-stream")
    }

    /// multipart/form-data with the file in `field`.
    static func postMultipart(_ url: URL, field: String = "imageData", filename: String? = "image.jpg", _ data: Data) async throws -> HTTPResult {
        let boundary = "vigil-test-\(UUID().uuidString)"
        var body = Data("--\(boundary)\r\n".utf8)
        let disposition = filename.map { "form-data; name=\"\(field)\"; filename=\"\($0)\"" } ?? "form-data; name=\"\(field)\""
        body += Data("Content-Disposition: \(disposition)\r\n".utf8)
        if filename != nil { body += Data("Content-Type: image/jpeg\r\n".utf8) }
        body += Data("\r\n".utf8) + data + Data("\r\n--\(boundary)--\r\n".utf8)
        return try await send("POST", url, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }

    static func postJSON(_ url: URL, _ object: Any) async throws -> HTTPResult {
        try await send("POST", url, body: try JSONSerialization.data(withJSONObject: object), contentType: "application/json")
    }
}

/// `python3 -m http.server` over a folder, on a free loopback port.
final class StaticFiles: @unchecked Sendable {
    let child: ChildProcess
    let base: URL

    init(_ folder: URL) throws {
        child = try ChildProcess(URL(fileURLWithPath: "/usr/bin/env"),
                                 ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", folder.path])
        let line = try child.waitForLine(containing: "Serving HTTP")
        guard let range = line.range(of: "port "), let port = Int(line[range.upperBound...].prefix { $0.isNumber }) else {
            throw ChildProcessError(detail: "no port in '\(line)'")
        }
        base = URL(string: "http://127.0.0.1:\(port)")!
    }

    func stop() { child.terminate() }
}
