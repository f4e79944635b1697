import Foundation
import Testing
import VigilEngine
import VigilONNX
import VigilTestSupport

/// Bad models fail at load with errors that name the file, node, op, opset and what is wrong.
@Suite struct ImportErrorTests {
    static func tinyModel(op: String, domain: String = "", attributes: [String: Attribute] = [:], opset: Int = 13) throws -> Data {
        let graph = Graph(name: "tiny", nodes: [
            Node(name: "the_node", opType: op, domain: domain, opset: opset, inputs: ["x"], outputs: ["y"], attributes: attributes),
        ], inputs: [Graph.Input(name: "x", dtype: .float32, shape: [1, 3, 4, 4])], outputs: ["y"])
        return try ONNXWriter.serialize(graph, outputs: [.init(name: "y", shape: [1, 3, 4, 4])], opset: opset)
    }

    @Test func unsupportedOp_namesNodeOpAndOpset() throws {
        let model = try ONNXImporter.load(try Self.tinyModel(op: "FancyNewOp"), file: "tiny.onnx")
        #expect(throws: EngineError.self) { try InferenceSession(graph: model.graph) }
        do { _ = try InferenceSession(graph: model.graph) } catch {
            #expect("\(error)" == "node 'the_node' (FancyNewOp, opset 13): operator FancyNewOp is not supported by Vigil")
        }
    }

    @Test func unsupportedAttributeValue_isNamed() throws {
        let data = try Self.tinyModel(op: "Resize", attributes: ["mode": .string("lanczos")])
        let model = try ONNXImporter.load(data, file: "tiny.onnx")
        do {
            _ = try InferenceSession(graph: model.graph)
            Issue.record("expected a failure")
        } catch {
            #expect("\(error)".contains("node 'the_node' (Resize, opset 13)"), "\(error)")
        }
    }

    @Test func truncatedFile_isReportedAsCorrupt() throws {
        let data = try Self.tinyModel(op: "Relu")
        #expect(throws: ONNXImportError.self) { try ONNXImporter.load(data.prefix(data.count - 7), file: "cut.onnx") }
        do { _ = try ONNXImporter.load(data.prefix(data.count - 7), file: "cut.onnx") } catch {
            #expect("\(error)".hasPrefix("cut.onnx: not a valid ONNX model: the protobuf is corrupt or truncated"), "\(error)")
        }
    }

    @Test func emptyAndForeignFiles_areRejected() throws {
        do { _ = try ONNXImporter.load(Data(), file: "empty.onnx"); Issue.record("expected a failure") } catch {
            #expect("\(error)" == "empty.onnx: the file is empty")
        }
        do { _ = try ONNXImporter.load(Data("hello, this is text\n".utf8), file: "a.txt"); Issue.record("expected a failure") } catch {
            #expect("\(error)".hasPrefix("a.txt: not a valid ONNX model"), "\(error)")
        }
    }

    @Test func realExportCutShort_failsClearly() throws {
        guard let models = SharedAssets.models else { print(SharedAssets.missingMessage); return }
        let data = try Data(contentsOf: models.appendingPathComponent("customvision/cv-onnx-cat-or-dog/model.onnx"))
        for fraction in [0.1, 0.5, 0.9, 0.999] {
            let cut = data.prefix(Int(Double(data.count) * fraction))
            #expect(throws: ONNXImportError.self) { try ONNXImporter.load(cut, file: "cat-or-dog") }
        }
    }

    @Test func opsetBeyondSupport_isRejected() throws {
        let data = try Self.tinyModel(op: "Relu", opset: 30)
        do { _ = try ONNXImporter.load(data, file: "new.onnx"); Issue.record("expected a failure") } catch {
            #expect("\(error)" == "new.onnx: ai.onnx opset 30 is not supported (Vigil reads opsets 1–23)")
        }
    }
}
