import Foundation
import Testing
import VigilCore
import VigilEngine
@testable import VigilTensorFlow
import VigilTestSupport
@testable import VigilVision

/// The Custom Vision TensorFlow exports load as they are: raw scores match TensorFlow, and the
/// same weights through the TensorFlow and the converted ONNX files give the same predictions.
@Suite struct TensorFlowExportTests {
    static let exports = ["cv-tf-apples-bananas", "cv-tf-fruits4", "cv-tf-fruits7-android"]

    @Test(arguments: exports)
    func frozenGraph_matchesTensorFlowScores(_ name: String) throws {
        guard let models = SharedAssets.models else { print(SharedAssets.missingMessage); return }
        let export = models.appendingPathComponent("customvision/\(name)")
        let model = try TensorFlowImporter.load(contentsOf: export.appendingPathComponent("model.pb"), outputs: ["loss"])
        #expect(model.graph.inputs.map(\.name) == ["Placeholder:0"])
        #expect(model.graph.outputs == ["loss:0"])
        let session = try InferenceSession(graph: model.graph, options: SessionOptions(threads: 2))
        #expect(session.inputs[0].shape == [1, 227, 227, 3])
        let inputs = SharedAssets.files(in: export.appendingPathComponent("reference")).filter { $0.lastPathComponent.hasSuffix(".input.npy") }
        #expect(inputs.count >= 10)
        for url in inputs {
            let input = try NumpyArray.read(contentsOf: url)
            let expected = try NumpyArray.read(contentsOf: URL(fileURLWithPath: url.path.replacingOccurrences(of: ".input.npy", with: ".output.npy")))
            _ = session.inputBuffer(0).update(from: input.floats)
            session.run()
            let actual = Array(session.outputBuffer(0))
            let (excess, at) = worstExcess(actual, expected.floats, abs: 1e-4, rel: 1e-3)
            #expect(excess <= 0, "\(name) \(url.lastPathComponent) [\(at)]")
            #expect(maxAbsDiff(actual, expected.floats) <= 1e-5, "\(name) \(url.lastPathComponent): README §8 asks 1e-5")
        }
    }

    @Test(arguments: exports)
    func tensorFlowAndConvertedONNX_predictTheSame(_ name: String) throws {
        guard let models = SharedAssets.models else { print(SharedAssets.missingMessage); return }
        let export = models.appendingPathComponent("customvision/\(name)")
        let tf = try Predictor(bundle: try ModelBundle.load(export), threads: 1)
        // The derived ONNX file with the export's labels beside it, as a bundle of its own.
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-tf2onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temp) }
        try FileManager.default.copyItem(at: export.appendingPathComponent("derived/model.tf2onnx-opset13.onnx"), to: temp.appendingPathComponent("model.onnx"))
        try FileManager.default.copyItem(at: export.appendingPathComponent("labels.txt"), to: temp.appendingPathComponent("labels.txt"))
        let onnxBundle = try ModelBundle.load(temp)
        #expect(onnxBundle.contract == tf.bundle.contract)
        let onnx = try Predictor(bundle: onnxBundle, threads: 1)
        for sample in SharedAssets.files(in: export.appendingPathComponent("samples")) {
            let data = try Data(contentsOf: sample)
            let a = try tf.predict(imageData: data, name: sample.lastPathComponent)
            let b = try onnx.predict(imageData: data, name: sample.lastPathComponent)
            #expect(a.map(\.tagName) == b.map(\.tagName), "\(name) \(sample.lastPathComponent)")
            for (x, y) in zip(a, b) { #expect(abs(x.probability - y.probability) <= 1e-5) }
        }
    }
}

/// The Custom Vision TFLite export: raw scores match the TFLite interpreter, and it agrees with the
/// frozen graph of the same weights.
@Suite struct TFLiteExportTests {
    @Test func tfliteExport_matchesInterpreterScores() throws {
        guard let models = SharedAssets.models else { print(SharedAssets.missingMessage); return }
        let export = models.appendingPathComponent("customvision/cv-tflite-fruits7-android")
        let model = try TFLiteImporter.load(contentsOf: export.appendingPathComponent("model.tflite"))
        #expect(model.graph.inputs.map(\.name) == ["Placeholder"] && model.graph.outputs == ["loss"])
        #expect(model.opHistogram == ["CONV_2D": 25, "MAX_POOL_2D": 3, "CONCATENATION": 8, "AVERAGE_POOL_2D": 1, "FULLY_CONNECTED": 1, "LOGISTIC": 1])
        let session = try InferenceSession(graph: model.graph, options: SessionOptions(threads: 2))
        for url in SharedAssets.files(in: export.appendingPathComponent("reference")) where url.lastPathComponent.hasSuffix(".input.npy") {
            let input = try NumpyArray.read(contentsOf: url)
            let expected = try NumpyArray.read(contentsOf: URL(fileURLWithPath: url.path.replacingOccurrences(of: ".input.npy", with: ".output.npy")))
            _ = session.inputBuffer(0).update(from: input.floats)
            session.run()
            #expect(maxAbsDiff(Array(session.outputBuffer(0)), expected.floats) <= 1e-5, "\(url.lastPathComponent)")
        }
    }

    @Test func tfliteAndFrozenGraph_predictTheSame() throws {
        guard let models = SharedAssets.models else { print(SharedAssets.missingMessage); return }
        let lite = try Predictor(bundle: try ModelBundle.load(models.appendingPathComponent("customvision/cv-tflite-fruits7-android")), threads: 1)
        let frozen = try Predictor(bundle: try ModelBundle.load(models.appendingPathComponent("customvision/cv-tf-fruits7-android")), threads: 1)
        #expect(lite.bundle.labels == frozen.bundle.labels)
        for sample in SharedAssets.files(in: models.appendingPathComponent("customvision/cv-tflite-fruits7-android/samples")) {
            let data = try Data(contentsOf: sample)
            let a = try lite.predict(imageData: data, name: sample.lastPathComponent)
            let b = try frozen.predict(imageData: data, name: sample.lastPathComponent)
            #expect(a.map(\.tagName) == b.map(\.tagName))
            for (x, y) in zip(a, b) { #expect(abs(x.probability - y.probability) <= 1e-5) }
        }
    }

    @Test func quantisedModel_isRefusedClearly() throws {
        // A one-op model whose input is int8 with a scale: the shape of a quantised export.
        var model = TFLiteModel(version: 3, description: "q", tensors: [], operators: [], inputs: [0], outputs: [1], subgraphCount: 1, metadata: [:])
        model.tensors = [
            TFLiteModel.Tensor(name: "in", shape: [1, 4, 4, 3], shapeSignature: nil, type: .int8, data: nil,
                               quantization: .init(scale: [0.5], zeroPoint: [0], quantizedDimension: 0), isVariable: false),
            TFLiteModel.Tensor(name: "out", shape: [1, 4, 4, 3], shapeSignature: nil, type: .int8, data: nil, quantization: nil, isVariable: false),
        ]
        var translator = TFLiteTranslator(model: model, file: "q.tflite")
        do { try translator.translate(); Issue.record("expected a failure") } catch {
            #expect("\(error)".contains("quantised (int8/uint8) TFLite models are not supported yet"), "\(error)")
        }
    }
}
