import Foundation
import VigilEngine
import VigilONNX
import VigilTensorFlow

/// A model file in any format Vigil reads, imported into an engine graph.
public struct ModelFile: Sendable {
    public enum Format: String, Sendable { case onnx = "ONNX", tensorflow = "TensorFlow GraphDef", tflite = "TensorFlow Lite" }

    public var format: Format
    public var graph: Graph
    public var opsets: [String: Int]
    public var metadata: [String: String]
    /// Labels carried inside the model (ONNX ZipMap), if any.
    public var classLabels: [String]?

    public static let extensions: Set<String> = ["onnx", "pb", "tflite"]

    /// The model file among a bundle's file names: model.onnx, model.pb or model.tflite, else the
    /// only model file; `folder` names the bundle in errors.
    static func choose(from names: some Sequence<String>, in folder: String) throws -> String {
        let models = names.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        if let standard = ["model.onnx", "model.pb", "model.tflite"].first(where: models.contains) { return standard }
        if models.count == 1 { return models[0] }
        throw VisionError.bundle(folder, models.isEmpty ? "no model file found (expected model.onnx, model.pb or model.tflite)"
                                                        : "several model files (\(models.joined(separator: ", "))); name the one to use")
    }

    /// Imports a model file, or the model file of a folder (model.onnx / model.pb / model.tflite,
    /// or its only model file).
    public static func load(_ url: URL) throws -> (file: URL, model: ModelFile) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw VisionError.bundle(url.path, "no such file or folder")
        }
        var file = url
        if isDirectory.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            file = url.appendingPathComponent(try choose(from: names, in: url.path))
        }
        let data: Data
        do { data = try Data(contentsOf: file, options: .mappedIfSafe) } catch {
            throw VisionError.bundle(file.path, "cannot read (\(error.localizedDescription))")
        }
        return (file, try load(data, format: file.pathExtension.lowercased(), file: file.path, directory: file.deletingLastPathComponent()))
    }

    /// Imports `data` by the file's extension (`onnx`, `pb`, `tflite`).
    public static func load(_ data: Data, format ext: String, file: String, directory: URL?) throws -> ModelFile {
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
        case "tflite":
            let model = try TFLiteImporter.load(data, file: file)
            return ModelFile(format: .tflite, graph: model.graph, opsets: ["tflite schema": model.schemaVersion],
                             metadata: model.graph.metadata, classLabels: nil)
        default:
            throw VisionError.bundle(file, "unknown model format '.\(ext)' (Vigil reads .onnx, .pb and .tflite)")
        }
    }
}
