import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import VigilTestSupport

/// `GET /ui` and `/ui/<file>`: the page's three files with their content types, nothing else.
@Suite struct UIPageRouteTests {
    static let demo = SharedAssets.packageRoot.appendingPathComponent("demo/model")

    @Test func pageFiles_areServedWithTheirContentTypes() async throws {
        try await TestServer.withPredictionServer(models: [.init(name: "demo", url: Self.demo)]) { base in
            let expected = [("/ui", "text/html"), ("/ui/index.html", "text/html"),
                            ("/ui/app.js", "text/javascript"), ("/ui/style.css", "text/css")]
            for (path, type) in expected {
                let (status, contentType, body) = try await Self.get(base, path)
                #expect(status == 200, "\(path)")
                #expect(contentType.hasPrefix(type), "\(path) is served as '\(contentType)'")
                #expect(contentType.contains("charset=utf-8"), "\(path) is served as '\(contentType)'")
                #expect(!body.isEmpty, "\(path)")
            }
            let (_, _, html) = try await Self.get(base, "/ui")
            for reference in ["/ui/app.js", "/ui/style.css", "id=\"top-tag\"", "id=\"error\""] {
                #expect(html.contains(reference), "index.html lacks \(reference)")
            }
        }
    }

    @Test func pathsOutsideThePage_areNotFound() async throws {
        try await TestServer.withPredictionServer(models: [.init(name: "demo", url: Self.demo)]) { base in
            let paths = ["/ui/../Package.swift", "/ui/..%2FPackage.swift", "/ui/%2E%2E%2FPackage.swift", "/ui/missing.js",
                         "/ui/Package.swift", "/ui/.style.css", "/ui/ui/app.js", "/ui/app.js.map"]
            for path in paths {
                let (status, _, body) = try await Self.get(base, path)
                #expect(status == 404, "\(path) answered \(status)")
                #expect(!body.contains("swift-tools-version"), "\(path) leaked Package.swift")
            }
        }
    }

    /// Status, Content-Type and body text of `GET base+path` (the client may squash `..` segments;
    /// the percent-encoded variants reach the server as written).
    static func get(_ base: URL, _ path: String) async throws -> (Int, String, String) {
        let url = try #require(URL(string: "\(base)\(path)"), "bad test path \(path)")
        let (data, response) = try await URLSession.shared.data(from: url)
        let http = try #require(response as? HTTPURLResponse)
        return (http.statusCode, http.value(forHTTPHeaderField: "Content-Type") ?? "", String(decoding: data, as: UTF8.self))
    }
}
