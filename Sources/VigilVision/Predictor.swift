import Foundation
import VigilCore
import VigilEngine
import VigilImage

/// Scores images with one model bundle: decode, preprocess into the session's input buffer, run,
/// decode the output into predictions.
///
/// Preparation (graph optimisation, weight packing, memory planning) happens in `init`. A Predictor
/// is not reentrant; use one per concurrent caller (they are cheap next to the model's weights).
public final class Predictor: @unchecked Sendable {
    public let bundle: ModelBundle
    public let session: InferenceSession
    private let preprocessor: Preprocessor
    private let outputIndex: Int
    private let outputShape: [Int]
    /// Output -> predictions; the size is the upright image's (nil for a ready-made tensor).
    private let decode: (UnsafeBufferPointer<Float>, _ imageSize: (width: Int, height: Int)?) -> [Prediction]

    public convenience init(bundle: ModelBundle, threads: Int = SessionOptions.defaultThreads) throws {
        let model: PreparedModel
        do {
            model = try PreparedModel(graph: bundle.graph, options: SessionOptions(
                threads: threads, inputShapes: [bundle.inputName: bundle.contract.inputShape]))
        } catch {
            throw VisionError(.model, bundle.modelFile.path, "\(error)")
        }
        self.init(bundle: bundle, model: model)
    }

    /// Another predictor of the same model for another concurrent caller: a session of its own,
    /// the same prepared model (packed weights are shared, not copied).
    public func sibling() -> Predictor {
        Predictor(bundle: bundle, model: session.model)
    }

    private init(bundle: ModelBundle, model: PreparedModel) {
        self.bundle = bundle
        session = InferenceSession(model: model)
        preprocessor = Preprocessor(contract: bundle.contract)
        outputIndex = session.outputs.firstIndex { $0.name == bundle.outputName } ?? 0
        outputShape = session.outputs[outputIndex].shape
        switch bundle.task {
        case .classification(let activation):
            let decoder = ClassificationDecoder(labels: bundle.labels, activation: activation)
            decode = { scores, _ in decoder.decode(scores) }
        case .yoloDetection(let settings):
            let decoder = YoloDecoder(settings: settings, labels: bundle.labels)
            let shape = outputShape
            decode = { grid, _ in decoder.decode(grid, shape: shape) }
        case .autoMLYolo(let settings):
            let scaleUp = if case .letterbox(let scaleUp) = bundle.contract.resizing { scaleUp } else { false }
            let decoder = AutoMLYoloDecoder(settings: settings, labels: bundle.labels, inputWidth: bundle.contract.width,
                                            inputHeight: bundle.contract.height, scaleUp: scaleUp)
            let rows = outputShape[1]
            decode = { output, size in decoder.decode(output, rows: rows, imageSize: size) }
        }
    }

    /// Decodes and scores an encoded image (JPEG, PNG, BMP); `name` is used in errors.
    public func predict(imageData: Data, name: String) throws -> [Prediction] {
        let image: DecodedImage
        do { image = try ImageDecoder.decode(imageData, name: name) } catch {
            throw VisionError(.image, name, error.reasonDescription)
        }
        return predict(image)
    }

    /// Scores a decoded image.
    public func predict(_ image: DecodedImage) -> [Prediction] {
        preprocessor.run(image, into: session.inputBuffer(0).baseAddress!)
        session.run()
        return decode(session.outputBuffer(outputIndex), Preprocessor.standardOrientedSize(image))
    }

    /// Runs the model on a tensor already preprocessed (e.g. a reference `.input.npy`). Letterbox
    /// detectors then take the tensor as the whole image: boxes are normalised to the input size.
    public func predict(tensor: [Float]) throws -> [Prediction] {
        let input = session.inputBuffer(0)
        guard tensor.count == input.count else {
            throw VisionError(.image, "input tensor", "holds \(tensor.count) values; the model takes \(session.inputs[0].shape)")
        }
        _ = input.update(from: tensor)
        session.run()
        return decode(session.outputBuffer(outputIndex), nil)
    }

    /// The raw scores (or grid) of the last run.
    public var lastOutput: UnsafeBufferPointer<Float> { session.outputBuffer(outputIndex) }
}
