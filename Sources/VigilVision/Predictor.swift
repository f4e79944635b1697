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
    /// The session's outputs after a run -> predictions; the size is the upright image's (nil for
    /// a ready-made tensor).
    private let decode: (InferenceSession, _ imageSize: (width: Int, height: Int)?) throws -> [Prediction]

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
        let outputIndex = session.outputs.firstIndex { $0.name == bundle.outputName } ?? 0
        self.outputIndex = outputIndex
        outputShape = session.outputs[outputIndex].shape
        switch bundle.task {
        case .classification(let activation):
            let decoder = ClassificationDecoder(labels: bundle.labels, activation: activation)
            decode = { session, _ in decoder.decode(session.outputBuffer(outputIndex)) }
        case .yoloDetection(let settings):
            let decoder = YoloDecoder(settings: settings, labels: bundle.labels)
            let shape = outputShape
            decode = { session, _ in decoder.decode(session.outputBuffer(outputIndex), shape: shape) }
        case .autoMLYolo(let settings):
            let scaleUp = if case .letterbox(let scaleUp) = bundle.contract.resizing { scaleUp } else { false }
            let decoder = AutoMLYoloDecoder(settings: settings, labels: bundle.labels, inputWidth: bundle.contract.width,
                                            inputHeight: bundle.contract.height, scaleUp: scaleUp)
            let rows = outputShape[1]
            decode = { session, size in decoder.decode(session.outputBuffer(outputIndex), rows: rows, imageSize: size) }
        case .autoMLRCNN(let outputs):
            let decoder = AutoMLRCNNDecoder(outputs: outputs, labels: bundle.labels, inputWidth: bundle.contract.width,
                                            inputHeight: bundle.contract.height)
            let wanted = [outputs.boxes, outputs.labels, outputs.scores]
            let read = session.outputs.enumerated().filter { wanted.contains($0.element.name) }.map { (index: $0.offset, name: $0.element.name) }
            decode = { session, _ in
                if let error = session.lastRunError { throw VisionError(.model, bundle.modelFile.path, "\(error)") }
                var values: [String: Tensor] = [:]
                for output in read { values[output.name] = session.output(output.index) }
                do { return try decoder.decode(values) } catch {
                    throw VisionError(.model, bundle.modelFile.path, "\(error)")
                }
            }
        }
    }

    /// Decodes and scores an encoded image (JPEG, PNG, BMP); `name` is used in errors.
    public func predict(imageData: Data, name: String) throws -> [Prediction] {
        let image: DecodedImage
        do { image = try ImageDecoder.decode(imageData, name: name) } catch {
            throw VisionError(.image, name, error.reasonDescription)
        }
        return try predict(image)
    }

    /// Scores a decoded image. Throws only for models whose outputs' sizes depend on the image
    /// (AutoML R-CNN exports) when that part of the model fails on this input.
    public func predict(_ image: DecodedImage) throws -> [Prediction] {
        preprocessor.run(image, into: session.inputBuffer(0).baseAddress!)
        session.run()
        return try decode(session, Preprocessor.standardOrientedSize(image))
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
        return try decode(session, nil)
    }

    /// The raw scores (or grid) of the last run.
    public var lastOutput: UnsafeBufferPointer<Float> { session.outputBuffer(outputIndex) }
}
