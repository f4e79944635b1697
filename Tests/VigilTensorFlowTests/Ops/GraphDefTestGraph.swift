import Foundation
import VigilEngine
import VigilTensorFlow

/// A small frozen GraphDef assembled node by node, as TensorFlow writes one (float constants in
/// `tensor_content`, int32 constants in `int_val`), then imported and run through a session.
struct GraphDefTestGraph {
    private(set) var nodes: [Tensorflow_NodeDef] = []

    /// Attribute values by their TensorFlow kinds.
    enum Attr {
        static func ints(_ values: [Int]) -> Tensorflow_AttrValue {
            var list = Tensorflow_AttrValue.ListValue()
            list.i = values.map(Int64.init)
            var attr = Tensorflow_AttrValue()
            attr.list = list
            return attr
        }

        static func string(_ value: String) -> Tensorflow_AttrValue {
            var attr = Tensorflow_AttrValue()
            attr.s = Data(value.utf8)
            return attr
        }

        static func bool(_ value: Bool) -> Tensorflow_AttrValue {
            var attr = Tensorflow_AttrValue()
            attr.b = value
            return attr
        }

        static func float(_ value: Float) -> Tensorflow_AttrValue {
            var attr = Tensorflow_AttrValue()
            attr.f = value
            return attr
        }

        static func int(_ value: Int) -> Tensorflow_AttrValue {
            var attr = Tensorflow_AttrValue()
            attr.i = Int64(value)
            return attr
        }

        static func type(_ value: Tensorflow_DataType) -> Tensorflow_AttrValue {
            var attr = Tensorflow_AttrValue()
            attr.type = value
            return attr
        }
    }

    static func shapeProto(_ shape: [Int]) -> Tensorflow_TensorShapeProto {
        var proto = Tensorflow_TensorShapeProto()
        proto.dim = shape.map { size in
            var dim = Tensorflow_TensorShapeProto.Dim()
            dim.size = Int64(size)
            return dim
        }
        return proto
    }

    mutating func node(_ name: String, _ op: String, _ inputs: [String] = [], _ attr: [String: Tensorflow_AttrValue] = [:]) {
        var node = Tensorflow_NodeDef()
        node.name = name
        node.op = op
        node.input = inputs
        node.attr = attr
        nodes.append(node)
    }

    mutating func placeholder(_ name: String, _ shape: [Int], dtype: Tensorflow_DataType = .dtFloat) {
        var shapeAttr = Tensorflow_AttrValue()
        shapeAttr.shape = Self.shapeProto(shape)
        node(name, "Placeholder", [], ["dtype": Attr.type(dtype), "shape": shapeAttr])
    }

    /// A float32 Const (values in tensor_content, little-endian).
    mutating func constant(_ name: String, _ array: NDArray) {
        var proto = Tensorflow_TensorProto()
        proto.dtype = .dtFloat
        proto.tensorShape = Self.shapeProto(array.shape)
        proto.tensorContent = array.values.withUnsafeBufferPointer { Data(buffer: $0) }
        var value = Tensorflow_AttrValue()
        value.tensor = proto
        node(name, "Const", [], ["dtype": Attr.type(.dtFloat), "value": value])
    }

    /// An int32 Const (values in int_val); `shape` nil makes a vector, [] a scalar.
    mutating func constant(_ name: String, ints: [Int], shape: [Int]? = nil) {
        var proto = Tensorflow_TensorProto()
        proto.dtype = .dtInt32
        proto.tensorShape = Self.shapeProto(shape ?? [ints.count])
        proto.intVal = ints.map(Int32.init)
        var value = Tensorflow_AttrValue()
        value.tensor = proto
        node(name, "Const", [], ["dtype": Attr.type(.dtInt32), "value": value])
    }

    /// Imports the graph with the given output nodes and prepares a one-thread session.
    func session(outputs: [String]) throws -> InferenceSession {
        var graph = Tensorflow_GraphDef()
        graph.node = nodes
        let model = try TensorFlowImporter.load(try graph.serializedData(), file: "op-test.pb", outputs: outputs)
        return try InferenceSession(graph: model.graph, options: SessionOptions(threads: 1))
    }

    /// Runs the graph once; `feeds` are by placeholder name, outputs come back as "node:0".
    func run(_ feeds: [String: Tensor], outputs: [String]) throws -> [String: Tensor] {
        let session = try session(outputs: outputs)
        return try session.run(Dictionary(uniqueKeysWithValues: feeds.map { ("\($0.key):0", $0.value) }))
    }

    /// Runs a graph with one float placeholder "x" and one output node.
    func run(x: NDArray, output: String) throws -> Tensor? {
        try run(["x": x.tensor], outputs: [output])["\(output):0"]
    }
}
