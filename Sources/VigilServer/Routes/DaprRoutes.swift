import Foundation
import Hummingbird

/// The seed's Dapr wiring: the subscription the sidecar asks for, and the handler it delivers to.
extension PredictionServer {
    func addDaprRoutes(to router: Router<BasicRequestContext>) {
        router.get("/dapr/subscribe") { _, _ in
            Self.json(Self.serialize([["pubsubname": self.configuration.daprPubSub, "topic": self.configuration.daprTopic,
                                       "route": "predict_image_handler"]]))
        }
        router.post("/predict_image_handler") { request, _ in
            guard let entry = self.registry.entry(nil) else { throw ServerError.unknownModel("", available: self.registry.names) }
            let contentType = (request.headers[.contentType] ?? "").lowercased()
            let data: Data
            if contentType.contains("json") {
                data = try await self.cloudEventImage(request)
            } else {
                data = try await self.uploadedImage(request)
            }
            let document = try await self.predict(data, entry: entry, project: "", iteration: "")
            return Self.json(document.jsonString())
        }
    }

    /// The image carried by a CloudEvent: `data_base64`, or `data` as a base64 string.
    func cloudEventImage(_ request: Request) async throws -> Data {
        let limit = configuration.maxImageBytes
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit * 4 / 3 + 64 * 1024) } catch {
            throw ServerError.tooLarge(limit)
        }
        guard let event = try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any] else {
            throw ServerError.badRequest("the body is not a JSON CloudEvent")
        }
        guard let encoded = (event["data_base64"] ?? event["data"]) as? String,
              let image = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
            throw ServerError.badRequest("the CloudEvent carries no base64 image in 'data_base64' or 'data'")
        }
        guard image.count <= limit else { throw ServerError.tooLarge(limit) }
        return image
    }
}
