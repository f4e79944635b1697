import Foundation
import Hummingbird

/// The quick-test page: plain HTML, CSS and JavaScript from the binary's resources, no CDN.
extension PredictionServer {
    static let pageTypes = ["html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"]

    func addPageRoutes(to router: Router<BasicRequestContext>) {
        router.get("/ui") { _, _ in try Self.page("index.html") }
        router.get("/ui/:file") { _, context in try Self.page(try context.parameters.require("file")) }
    }

    static func page(_ name: String) throws -> Response {
        let ext = (name as NSString).pathExtension
        guard !name.contains("/"), !name.hasPrefix("."), let type = pageTypes[ext],
              let url = Bundle.module.url(forResource: (name as NSString).deletingPathExtension, withExtension: ext, subdirectory: "ui"),
              let data = try? Data(contentsOf: url) else {
            throw ServerError(.notFound, code: "NotFound", "no page '\(name)'")
        }
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
