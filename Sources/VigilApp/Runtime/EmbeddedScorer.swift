import VigilCore
import VigilImage
import VigilPipeline
import VigilServer

/// Scores camera frames with a model of the registry, in a slot of the worker pool the HTTP API
/// also uses, so cameras and requests together never run more inferences than there are workers.
struct EmbeddedScorer: FrameScorer {
    struct UnknownModel: Error, CustomStringConvertible {
        let name: String
        var description: String { "model '\(name)' is not loaded" }
    }

    let registry: ModelRegistry
    let pool: WorkerPool
    let modelName: String

    func score(_ image: RGBImage) throws -> [Prediction] {
        guard let entry = registry.entry(modelName) else { throw UnknownModel(name: modelName) }
        // A camera frame is RGB already: no EXIF orientation, as for a decoded RGB PNG without one.
        let decoded = DecodedImage(image: image, format: .png, sourceMode: .rgb)
        return try pool.runBlocking { try entry.predict(decoded) }
    }
}
