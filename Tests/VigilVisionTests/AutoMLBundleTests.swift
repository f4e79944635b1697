import Foundation
import Testing
import VigilCore
import VigilEngine
import VigilONNX
@testable import VigilVision

/// An Azure ML AutoML for images classification export (model.onnx + labels.json) is recognised:
/// RGB, resize 256 then centre crop 224, /255 with ImageNet mean/std, logits turned into softmax.
@Suite struct AutoMLBundleTests {
    @Test func autoMLExport_getsItsContractAndSoftmax() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-automl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A stand-in classifier: global average pool of the normalised input, then a Gemm to 3 logits.
        var graph = Graph(name: "automl", inputs: [Graph.Input(name: "input", dtype: .float32, shape: [nil, 3, 224, 224])], outputs: ["logits"])
        graph.nodes = [
            Node(name: "pool", opType: "GlobalAveragePool", opset: 13, inputs: ["input"], outputs: ["pooled"]),
            Node(name: "flat", opType: "Flatten", opset: 13, inputs: ["pooled"], outputs: ["features"]),
            Node(name: "fc", opType: "Gemm", opset: 13, inputs: ["features", "w", "b"], outputs: ["logits"]),
        ]
        graph.initializers["w"] = Tensor(shape: [3, 3], floats: [1, 0, 0, 0, 1, 0, 0, 0, 1])
        graph.initializers["b"] = Tensor(shape: [3], floats: [0, 0, 0])
        try ONNXWriter.serialize(graph, outputs: [.init(name: "logits", shape: [1, 3])]).write(to: folder.appendingPathComponent("model.onnx"))
        try Data(#"["red", "green", "blue"]"#.utf8).write(to: folder.appendingPathComponent("labels.json"))

        let bundle = try ModelBundle.load(folder)
        #expect(bundle.kind == .autoML)
        #expect(bundle.labels == ["red", "green", "blue"])
        #expect(bundle.task == .classification(activation: .softmax))
        let c = bundle.contract
        #expect(c.width == 224 && c.height == 224 && c.colorOrder == .rgb && c.layout == .nchw)
        #expect(c.resizing == .resizeThenCenterCrop(resize: 256, filter: .bicubic))
        #expect(c.pixelScale == 1 / 255 && c.mean == [0.485, 0.456, 0.406] && c.std == [0.229, 0.224, 0.225])

        // A pure red image: the red channel's normalised mean is highest, and softmax sums to 1.
        let red = RGBImageFixture.solid(width: 300, height: 200, r: 230, g: 20, b: 20)
        let predictor = try Predictor(bundle: bundle, threads: 1)
        let predictions = try predictor.predict(red)
        #expect(predictions.max { $0.probability < $1.probability }?.tagName == "red")
        #expect(abs(predictions.map(\.probability).reduce(0, +) - 1) < 1e-6)
    }
}

import VigilImage

enum RGBImageFixture {
    static func solid(width: Int, height: Int, r: UInt8, g: UInt8, b: UInt8) -> DecodedImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) { pixels[3 * i] = r; pixels[3 * i + 1] = g; pixels[3 * i + 2] = b }
        return DecodedImage(image: RGBImage(width: width, height: height, pixels: pixels), format: .png, sourceMode: .rgb)
    }
}
