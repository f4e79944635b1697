import Foundation
import VigilEngine
import VigilONNX
import VigilTensorFlow

/// A model file in any format Vigil reads, imported into an engine graph.
struct ModelFile {
    enum Format: String { case onnx = "ONNX", tensorflow = "TensorFlow GraphDef", tflite = "TensorFlow Lite" }

    var format: Format
    var graph: Graph
    var opsets: [String: Int]
    var metadata: [String: String]
    /// Labels carried inside the model (ONNX ZipMap), if any.
    var classLabels: [String]?

    /// Imports `data` by the file's extension (`onnx`, `pb`, `tflite`).
    static func load(_ data: Data, format ext: String, file: String, directory: URL?) throws -> ModelFile {
        switch ext {
        case "onnx":
            let model = try ONNXImporter.load(data, file: file, directory: directory)
            return ModelFile(format: .onnx, graph: model.graph, opsets: model.opsets, metadata: model.metadata, classLabels: model.classLabels)
        case "pb":
            // Custom Vision's TensorFlow exports are read at Placeholder:0 -> loss:0; other graphs at
            // the nodes nothing consumes.
            let probe = try TensorFlowImporter.load(data, file: file)
            var model = probe
            if probe.graph.outputs != ["loss:0"], probe.opHistogram["Sigmoid"] != nil || probe.opHistogram["Softmax"] != nil,
               let withLoss = try? TensorFlowImporter.load(data, file: file, outputs: ["loss"]) {
                model = withLoss
            }
            return ModelFile(format: .tensorflow, graph: model.graph, opsets: ["tensorflow": model.producerVersion],
                             metadata: model.graph.metadata, classLabels: nil)
        default:
            throw VisionError.bundle(file, "TensorFlow Lite (.tflite) models are not supported yet")
        }
    }
}
