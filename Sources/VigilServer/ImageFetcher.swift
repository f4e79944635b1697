import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetches the image of a `/url` request over HTTP(S) with a timeout and a size cap.
struct ImageFetcher: Sendable {
    let timeout: Duration
    let maxBytes: Int

    func fetch(_ text: String) async throws -> Data {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            throw ServerError.badRequest("'\(text)' is not an http or https URL")
        }
        let configuration = URLSessionConfiguration.ephemeral
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        configuration.timeoutIntervalForRequest = seconds
        configuration.timeoutIntervalForResource = seconds
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let data: Data, response: URLResponse
        do {
            (data, response) = try await session.data(from: url)
        } catch {
            throw ServerError(.badGateway, code: "FetchFailed", "could not fetch \(Self.redacted(url)): \(error.localizedDescription)")
        }
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            throw ServerError(.badGateway, code: "FetchFailed", "fetching \(Self.redacted(url)) returned HTTP \(http.statusCode)")
        }
        guard data.count <= maxBytes else {
            throw ServerError(.contentTooLarge, code: "TooLarge", "the image at \(Self.redacted(url)) is larger than \(maxBytes) bytes")
        }
        return data
    }

    /// The URL without credentials or query (query strings often carry SAS tokens).
    static func redacted(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "the URL" }
        components.user = nil
        components.password = nil
        if components.query != nil { components.query = "…" }
        return components.string ?? "the URL"
    }
}
