import Foundation
import Testing
import VigilEngine
import VigilONNX

/// Weights stored outside the .onnx file (external data) are read relative to the model, and a
/// location outside its folder or a short file is refused.
@Suite struct ExternalDataTests {
    /// A Gemm y = x·W whose W [2, 3] lives in `weights.bin` at `offset`.
    static func model(location: String, offset: Int, length: Int) throws -> Data {
        var proto = try Onnx_ModelProto(serializedBytes: try ONNXWriter.serialize(
            Graph(name: "external", nodes: [Node(name: "mm", opType: "MatMul", opset: 13, inputs: ["x", "w"], outputs: ["y"])],
                  inputs: [Graph.Input(name: "x", dtype: .float32, shape: [1, 2])], outputs: ["y"]),
            outputs: [.init(name: "y", shape: [1, 3])]))
        var w = Onnx_TensorProto()
        w.name = "w"
        w.dims = [2, 3]
        w.dataType = 1
        w.dataLocation = .external
        w.externalData = [("location", location), ("offset", "\(offset)"), ("length", "\(length)")].map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = value
            return entry
        }
        proto.graph.initializer = [w]
        return try proto.serializedData()
    }

    @Test func externalWeights_areReadBesideTheModel() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-external-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights: [Float] = [1, 2, 3, 4, 5, 6]
        var bytes = Data(repeating: 0xAB, count: 16)   // the tensor starts at offset 16
        weights.withUnsafeBytes { bytes.append(contentsOf: $0) }
        try bytes.write(to: folder.appendingPathComponent("weights.bin"))
        try Self.model(location: "weights.bin", offset: 16, length: 24).write(to: folder.appendingPathComponent("model.onnx"))

        let model = try ONNXImporter.load(contentsOf: folder.appendingPathComponent("model.onnx"))
        #expect(model.graph.initializers["w"]?.floats == weights)
        let out = try InferenceSession(graph: model.graph, options: SessionOptions(threads: 1)).run(["x": Tensor(shape: [1, 2], floats: [1, 10])])
        #expect(out["y"]?.floats == [41, 52, 63])

        try Self.model(location: "../weights.bin", offset: 0, length: 24).write(to: folder.appendingPathComponent("escape.onnx"))
        do { _ = try ONNXImporter.load(contentsOf: folder.appendingPathComponent("escape.onnx")); Issue.record("expected a failure") } catch {
            #expect("\(error)".contains("must stay inside the model's folder"), "\(error)")
        }
        try Self.model(location: "weights.bin", offset: 32, length: 24).write(to: folder.appendingPathComponent("short.onnx"))
        do { _ = try ONNXImporter.load(contentsOf: folder.appendingPathComponent("short.onnx")); Issue.record("expected a failure") } catch {
            #expect("\(error)".contains("ends before offset 32 + length 24"), "\(error)")
        }
    }
}
