import Foundation
import Hummingbird
import NIOCore
import VigilCore
import VigilImage
import VigilVision

/// The Custom Vision export container's prediction routes, with the same request and response shapes.
extension PredictionServer {
    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in "CustomVision.ai model host harness" }
        for kind in ["image", "url"] {
            router.post("/\(kind)") { request, context in try await self.predict(request, context, kind: kind, project: nil, model: nil) }
            for suffix in ["", "/nostore"] {
                router.post("/:project/\(kind)\(suffix)") { request, context in
                    try await self.predict(request, context, kind: kind, project: context.parameters.get("project"), model: nil)
                }
                for task in ["classify", "detect"] {
                    router.post("/:project/\(task)/iterations/:name/\(kind)\(suffix)") { request, context in
                        try await self.predict(request, context, kind: kind, project: context.parameters.get("project"),
                                               model: context.parameters.get("name"))
                    }
                }
            }
        }
        addModelRoutes(to: router)
        addHealthRoutes(to: router)
        addDaprRoutes(to: router)
        addPageRoutes(to: router)
    }

    func predict(_ request: Request, _ context: BasicRequestContext, kind: String, project: String?, model: String?) async throws -> Response {
        guard let entry = registry.entry(model) else { throw ServerError.unknownModel(model ?? "", available: registry.names) }
        let data = kind == "url" ? try await urlImage(request) : try await uploadedImage(request)
        let document = try await predict(data, entry: entry, project: project ?? "", iteration: model ?? "")
        return Self.json(document.jsonString())
    }

    /// Decodes on the request's task (in parallel across requests), then infers on the worker pool.
    func predict(_ data: Data, entry: ModelRegistry.Entry, project: String, iteration: String) async throws -> PredictionDocument {
        let image: DecodedImage
        do { image = try ImageDecoder.decode(data, name: "image") } catch {
            throw ServerError.badImage("the body is not a readable image: \(error.reasonDescription)")
        }
        let start = ContinuousClock.now
        let predictions: [Prediction]
        do {
            let load = pool.load
            metrics.queue(running: load.running, waiting: load.waiting)
            predictions = try await pool.run { try entry.withPredictor { try $0.predict(image) } }
        } catch is WorkerPool.Overloaded {
            metrics.rejected()
            throw ServerError.overloaded(retryAfter: 1)
        }
        metrics.inference(model: entry.name, duration: start.duration(to: .now))
        return PredictionDocument(id: UUID().uuidString.lowercased(), project: project, iteration: iteration,
                                  created: PredictionDocument.createdNow(), predictions: predictions)
    }

    /// The image of a raw body (octet-stream, image/*) or of a multipart `imageData` file.
    func uploadedImage(_ request: Request) async throws -> Data {
        let limit = configuration.maxImageBytes
        let contentType = request.headers[.contentType] ?? ""
        let boundary = MultipartForm.boundary(contentType: contentType)
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit + (boundary == nil ? 0 : 64 * 1024)) } catch is NIOTooManyBytesError {
            throw ServerError.tooLarge(limit)
        }
        let body = Data(buffer: buffer)
        var image = body
        if let boundary {
            let form = try MultipartForm(body: body, boundary: boundary)
            guard let part = form.parts.first(where: { $0.name == "imageData" }) else {
                throw ServerError.badRequest("the multipart form has no 'imageData' file")
            }
            guard part.filename != nil || part.contentType != nil else {
                throw ServerError.badRequest("'imageData' must be a file upload, not a form value")
            }
            image = part.data
        }
        guard image.count <= limit else { throw ServerError.tooLarge(limit) }
        guard !image.isEmpty else { throw ServerError.badImage("the request has no image (empty body)") }
        return image
    }

    /// The image at the URL of a `{"url": "..."}` (or `"Url"`) body.
    func urlImage(_ request: Request) async throws -> Data {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: 64 * 1024) } catch is NIOTooManyBytesError {
            throw ServerError.badRequest("the JSON body is larger than 64 KiB")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any],
              let url = (object["url"] ?? object["Url"]) as? String else {
            throw ServerError.badRequest("expected a JSON body {\"url\": \"http://...\"}")
        }
        return try await ImageFetcher(timeout: configuration.urlTimeout, maxBytes: configuration.maxImageBytes).fetch(url)
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
