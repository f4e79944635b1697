import Foundation
import SwiftProtobuf
import VigilEngine

/// Writes an engine graph as an ONNX model (IR 8, one ai.onnx opset): how Vigil makes its own demo
/// model and test models. Float tensors are stored as raw little-endian data; int64 and string
/// tensors in their typed fields.
public enum ONNXWriter {
    public struct Output: Sendable {
        public var name: String
        public var shape: [Int]
        public init(name: String, shape: [Int]) { self.name = name; self.shape = shape }
    }

    public static func serialize(_ graph: Graph, outputs: [Output], opset: Int = 13, producer: String = "vigil",
                                 metadata: [String: String] = [:]) throws -> Data {
        var model = Onnx_ModelProto()
        model.irVersion = 8
        model.producerName = producer
        var opsetImport = Onnx_OperatorSetIdProto()
        opsetImport.domain = ""
        opsetImport.version = Int64(opset)
        model.opsetImport = [opsetImport]
        model.metadataProps = metadata.keys.sorted().map { key in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = metadata[key]!
            return entry
        }
        var proto = Onnx_GraphProto()
        proto.name = graph.name.isEmpty ? "vigil" : graph.name
        proto.node = graph.nodes.map(node)
        proto.initializer = graph.initializers.keys.sorted().map { tensor(graph.initializers[$0]!, name: $0) }
        proto.input = graph.inputs.map { valueInfo($0.name, dtype: $0.dtype, shape: $0.shape) }
        proto.output = outputs.map { valueInfo($0.name, dtype: .float32, shape: $0.shape.map { Optional($0) }) }
        model.graph = proto
        return try model.serializedData()
    }

    static func node(_ node: Node) -> Onnx_NodeProto {
        var proto = Onnx_NodeProto()
        proto.name = node.name
        proto.opType = node.opType
        proto.domain = node.domain
        proto.input = node.inputs
        proto.output = node.outputs
        proto.attribute = node.attributes.keys.sorted().compactMap { key in
            var attribute = Onnx_AttributeProto()
            attribute.name = key
            switch node.attributes[key]! {
            case .int(let v): attribute.type = .int; attribute.i = Int64(v)
            case .float(let v): attribute.type = .float; attribute.f = v
            case .string(let v): attribute.type = .string; attribute.s = Data(v.utf8)
            case .ints(let v): attribute.type = .ints; attribute.ints = v.map { Int64($0) }
            case .floats(let v): attribute.type = .floats; attribute.floats = v
            case .strings(let v): attribute.type = .strings; attribute.strings = v.map { Data($0.utf8) }
            case .tensor(let t): attribute.type = .tensor; attribute.t = tensor(t, name: key)
            case .graph(let g): attribute.type = .graph; attribute.g = subgraph(g)
            case .unsupported: return nil
            }
            return attribute
        }
        return proto
    }

    /// An If branch or Loop body: outputs by name only (their types come from the nodes).
    static func subgraph(_ graph: Graph) -> Onnx_GraphProto {
        var proto = Onnx_GraphProto()
        proto.name = graph.name
        proto.node = graph.nodes.map(node)
        proto.initializer = graph.initializers.keys.sorted().map { tensor(graph.initializers[$0]!, name: $0) }
        proto.input = graph.inputs.map { valueInfo($0.name, dtype: $0.dtype, shape: $0.shape) }
        proto.output = graph.outputs.map { name in
            var info = Onnx_ValueInfoProto()
            info.name = name
            return info
        }
        return proto
    }

    static func tensor(_ tensor: Tensor, name: String) -> Onnx_TensorProto {
        var proto = Onnx_TensorProto()
        proto.name = name
        proto.dims = tensor.shape.map { Int64($0) }
        switch tensor.storage {
        case .float(let values):
            proto.dataType = 1
            proto.rawData = values.withUnsafeBytes { Data($0) }
        case .int(let values):
            proto.dataType = tensor.dtype == .int32 ? 6 : (tensor.dtype == .int8 ? 3 : (tensor.dtype == .uint8 ? 2 : 7))
            if tensor.dtype == .int64 { proto.int64Data = values } else { proto.int32Data = values.map { Int32(truncatingIfNeeded: $0) } }
        case .bool(let values):
            proto.dataType = 9
            proto.int32Data = values.map { $0 ? 1 : 0 }
        case .string(let values):
            proto.dataType = 8
            proto.stringData = values.map { Data($0.utf8) }
        }
        return proto
    }

    static func valueInfo(_ name: String, dtype: DataType, shape: [Int?]) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = dtype == .float32 ? 1 : (dtype == .int64 ? 7 : 1)
        var shapeProto = Onnx_TensorShapeProto()
        shapeProto.dim = shape.map { value in
            var dim = Onnx_TensorShapeProto.Dimension()
            if let value { dim.dimValue = Int64(value) } else { dim.dimParam = "N" }
            return dim
        }
        tensorType.shape = shapeProto
        var type = Onnx_TypeProto()
        type.tensorType = tensorType
        info.type = type
        return info
    }
}
