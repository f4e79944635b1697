import Foundation
import VigilEngine
import VigilTensorFlow

/// A one-subgraph TFLite file assembled tensor by tensor with `TFLiteTestFiles`, then imported
/// and run through a session. Tensors are float32 unless made with `constant(_:ints:)`.
struct TFLiteTestGraph {
    /// Builtin operator codes (schema `BuiltinOperator`) and options tables (`BuiltinOptions` tags).
    enum Code: Int8 {
        case add = 0, averagePool2D = 1, concatenation = 2, conv2D = 3, depthwiseConv2D = 4, fullyConnected = 9
        case maxPool2D = 17, reshape = 22, softmax = 25, pad = 34, mean = 40, sum = 74
    }

    enum Options: UInt8 {
        case conv2D = 1, depthwiseConv2D = 2, pool2D = 5, fullyConnected = 8, softmax = 9, concatenation = 10, add = 11
        case reshape = 17, pad = 22, reducer = 27
    }

    /// Schema enum values for option fields.
    enum Padding: Int8 { case same = 0, valid = 1 }
    enum Activation: Int8 { case none = 0, relu = 1, reluN1To1 = 2, relu6 = 3 }

    private var codes: [Code] = []
    private var tensors: [FBObject] = []
    private var buffers: [FBObject] = [TFLiteTestFiles.buffer()]
    private var operators: [FBObject] = []
    private(set) var names: [String] = []

    /// An activation tensor; returns its index.
    mutating func tensor(_ name: String, _ shape: [Int]) -> Int32 {
        tensors.append(TFLiteTestFiles.tensor(name, shape: shape.map(Int32.init)))
        names.append(name)
        return Int32(tensors.count - 1)
    }

    /// A float32 constant tensor with its buffer.
    mutating func constant(_ name: String, _ array: NDArray) -> Int32 {
        let bytes = array.values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
        return constant(name, shape: array.shape, type: 0, bytes: bytes)
    }

    /// An int32 constant tensor (axes, shapes, paddings).
    mutating func constant(_ name: String, ints: [Int], shape: [Int]) -> Int32 {
        let bytes = ints.flatMap { value in withUnsafeBytes(of: Int32(value).littleEndian) { Array($0) } }
        return constant(name, shape: shape, type: 2, bytes: bytes)
    }

    private mutating func constant(_ name: String, shape: [Int], type: Int8, bytes: [UInt8]) -> Int32 {
        buffers.append(TFLiteTestFiles.buffer(bytes))
        tensors.append(TFLiteTestFiles.tensor(name, shape: shape.map(Int32.init), type: type, buffer: UInt32(buffers.count - 1)))
        names.append(name)
        return Int32(tensors.count - 1)
    }

    mutating func op(_ code: Code, _ inputs: [Int32], _ outputs: [Int32], _ options: Options? = nil, _ fields: [Int: FBField] = [:]) {
        if !codes.contains(code) { codes.append(code) }
        let index = UInt32(codes.firstIndex(of: code)!)
        operators.append(TFLiteTestFiles.op(index, inputs: inputs, outputs: outputs, optionsType: options?.rawValue, options: fields))
    }

    func data(inputs: [Int32], outputs: [Int32]) -> Data {
        let root = TFLiteTestFiles.model(operatorCodes: codes.map { TFLiteTestFiles.operatorCode(deprecated: $0.rawValue) },
                                         tensors: tensors, inputs: inputs, outputs: outputs, operators: operators, buffers: buffers)
        return Data(FlatBufferTestBuilder.serialize(root))
    }

    /// Imports the file and runs it once; feeds and results are by tensor name.
    func run(inputs: [Int32], outputs: [Int32], feeds: [String: NDArray]) throws -> [String: Tensor] {
        let imported = try TFLiteImporter.load(data(inputs: inputs, outputs: outputs), file: "op-test.tflite")
        let session = try InferenceSession(graph: imported.graph, options: SessionOptions(threads: 1))
        return try session.run(feeds.mapValues(\.tensor))
    }

    /// Runs a file with one input and one output, returning the output.
    func run(_ input: Int32, _ x: NDArray, output: Int32) throws -> Tensor? {
        try run(inputs: [input], outputs: [output], feeds: [names[Int(input)]: x])[names[Int(output)]]
    }
}
