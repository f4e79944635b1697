import Foundation
import Testing
import VigilCore
import VigilEngine
import VigilONNX
import VigilTestSupport

/// The synthetic zoo (SqueezeNet 1.1, MobileNetV2 with BN, MobileNetV3 large, tiny YOLOv2): every
/// output within 1e-4 · max(1, max|ref|) of ONNX Runtime, at 1 and 2 threads.
@Suite struct ZooModelTests {
    @Test(arguments: ["squeezenet1_1", "mobilenet_v2_bn", "mobilenet_v3_large", "cv_tiny_yolov2_416"])
    func zooModel_matchesONNXRuntime(_ name: String) throws {
        guard let zoo = SharedAssets.models?.appendingPathComponent("zoo") else { print(SharedAssets.missingMessage); return }
        let folder = zoo.appendingPathComponent(name)
        let model = try ONNXImporter.load(contentsOf: folder.appendingPathComponent("model.onnx"))
        let input = try NumpyArray.read(contentsOf: folder.appendingPathComponent("input.npy"))
        for threads in [1, 2] {
            let session = try InferenceSession(graph: model.graph, options: SessionOptions(threads: threads))
            _ = session.inputBuffer(0).update(from: input.floats)
            session.run()
            for (index, info) in session.outputs.enumerated() {
                var file = folder.appendingPathComponent("output.\(info.name).npy")
                if !FileManager.default.fileExists(atPath: file.path) { file = folder.appendingPathComponent("output.npy") }
                let expected = try NumpyArray.read(contentsOf: file)
                #expect(expected.shape == info.shape, "\(name) \(info.name): shape \(info.shape) vs \(expected.shape)")
                let scale = max(1, expected.floats.map(abs).max() ?? 0)
                let actual = Array(session.outputBuffer(index))
                let diff = maxAbsDiff(actual, expected.floats)
                #expect(diff <= 1e-4 * scale, "\(name) \(info.name) threads \(threads): max |Δ| \(diff), allowed \(1e-4 * scale)")
            }
        }
    }

    @Test func optimisedAndPlainGraphs_agree() throws {
        guard let zoo = SharedAssets.models?.appendingPathComponent("zoo") else { print(SharedAssets.missingMessage); return }
        let folder = zoo.appendingPathComponent("mobilenet_v2_bn")
        let model = try ONNXImporter.load(contentsOf: folder.appendingPathComponent("model.onnx"))
        let input = try NumpyArray.read(contentsOf: folder.appendingPathComponent("input.npy"))
        var results: [[Float]] = []
        for optimize in [true, false] {
            let session = try InferenceSession(graph: model.graph, options: SessionOptions(threads: 1, optimize: optimize))
            _ = session.inputBuffer(0).update(from: input.floats)
            session.run()
            results.append(Array(session.outputBuffer(0)))
            if optimize {
                #expect(session.executedOps["BatchNormalization"] == nil, "BatchNormalization should fold into Conv")
                #expect(session.executedOps["Clip"] == nil, "Clip (ReLU6) should fuse into Conv")
            }
        }
        #expect(maxAbsDiff(results[0], results[1]) <= 1e-3)
    }
}
