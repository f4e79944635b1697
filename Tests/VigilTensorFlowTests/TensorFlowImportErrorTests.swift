import Foundation
import SwiftProtobuf
import Testing
import VigilTensorFlow
import VigilTestSupport

/// Bad TensorFlow files and unsupported ops fail at load, naming the node and op.
@Suite struct TensorFlowImportErrorTests {
    static func graph(_ ops: [(name: String, op: String, inputs: [String])]) throws -> Data {
        var graph = Tensorflow_GraphDef()
        var placeholder = Tensorflow_NodeDef()
        placeholder.name = "input"
        placeholder.op = "Placeholder"
        var dtype = Tensorflow_AttrValue()
        dtype.type = .dtFloat
        var shape = Tensorflow_AttrValue()
        var shapeProto = Tensorflow_TensorShapeProto()
        shapeProto.dim = [1, 8, 8, 3].map { size in var d = Tensorflow_TensorShapeProto.Dim(); d.size = Int64(size); return d }
        shape.shape = shapeProto
        placeholder.attr = ["dtype": dtype, "shape": shape]
        graph.node = [placeholder] + ops.map { spec in
            var node = Tensorflow_NodeDef()
            node.name = spec.name
            node.op = spec.op
            node.input = spec.inputs
            return node
        }
        return try graph.serializedData()
    }

    @Test func unsupportedOp_namesNodeAndOp() throws {
        let data = try Self.graph([("relu", "Relu", ["input"]), ("strange", "FancyNewOp", ["relu"])])
        do { _ = try TensorFlowImporter.load(data, file: "g.pb"); Issue.record("expected a failure") } catch {
            #expect("\(error)" == "TensorFlow node 'strange': operator FancyNewOp is not supported by Vigil")
        }
    }

    @Test func missingInput_isNamed() throws {
        let data = try Self.graph([("relu", "Relu", ["nowhere:0"])])
        do { _ = try TensorFlowImporter.load(data, file: "g.pb"); Issue.record("expected a failure") } catch {
            #expect("\(error)" == "TensorFlow node 'relu': input 'nowhere:0' is not a node of the graph")
        }
    }

    @Test func corruptAndForeignFiles_areRejected() throws {
        do { _ = try TensorFlowImporter.load(Data(), file: "e.pb"); Issue.record("expected a failure") } catch {
            #expect("\(error)" == "TensorFlow model 'e.pb': the file is empty")
        }
        do { _ = try TensorFlowImporter.load(Data("hello this is not a graph".utf8), file: "t.pb"); Issue.record("expected a failure") } catch {
            #expect("\(error)".hasPrefix("TensorFlow model 't.pb': not a valid frozen GraphDef"), "\(error)")
        }
        guard let models = SharedAssets.models else { print(SharedAssets.missingMessage); return }
        let real = try Data(contentsOf: models.appendingPathComponent("customvision/cv-tf-fruits4/model.pb"))
        for fraction in [0.3, 0.7, 0.999] {
            #expect(throws: ImportError.self) { try TensorFlowImporter.load(real.prefix(Int(Double(real.count) * fraction)), file: "cut.pb") }
        }
    }
}
