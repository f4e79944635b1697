import Foundation
import VigilEngine

/// Reads TensorFlow Lite models (`model.tflite`, as Custom Vision's TensorFlowLite export ships it)
/// into the engine's NCHW graph. float32 models (and float16 weights) are supported; int8/uint8
/// quantised models fail at load with a clear error.
public enum TFLiteImporter {
    public struct Imported: Sendable {
        public var graph: Graph
        public var opHistogram: [String: Int]
        public var schemaVersion: Int
    }

    public static func load(contentsOf url: URL) throws -> Imported {
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw TFLiteFormatError(file: url.path, detail: "cannot read the file (\(error.localizedDescription))")
        }
        return try load(data, file: url.path)
    }

    public static func load(_ data: Data, file: String = "<memory>") throws -> Imported {
        let model = try TFLiteModel.parse(data, file: file)
        var translator = TFLiteTranslator(model: model, file: file)
        try translator.translate()
        var histogram: [String: Int] = [:]
        for op in model.operators { histogram[op.opcode, default: 0] += 1 }
        var graph = translator.builder.graph
        graph.metadata["tflite.description"] = model.description
        return Imported(graph: graph, opHistogram: histogram, schemaVersion: model.version)
    }
}

/// Maps TFLite operators onto `NHWCGraphBuilder`, one operator at a time, in the file's order.
struct TFLiteTranslator {
    let model: TFLiteModel
    let file: String
    var builder = NHWCGraphBuilder(name: "tflite", subject: "TFLite operator")
    var values: [Int: NHWCGraphBuilder.Value] = [:]

    init(model: TFLiteModel, file: String) {
        self.model = model
        self.file = file
    }

    func fail(_ index: Int, _ op: TFLiteModel.Operator, _ detail: String) -> ImportError {
        ImportError(subject: "TFLite operator", node: "#\(index) \(op.opcode)", detail)
    }

    mutating func translate() throws {
        // Quantised models need integer kernels Vigil does not have yet: refuse them clearly.
        for (index, tensor) in model.tensors.enumerated() where tensor.type == .int8 || tensor.type == .uint8 || tensor.type == .int16 {
            if tensor.quantization != nil || tensor.data != nil {
                throw ImportError(subject: "TFLite model", node: file,
                                  "tensor #\(index) '\(tensor.name)' is \(tensor.type) quantised; quantised (int8/uint8) TFLite models are not supported yet — use the float32 export")
            }
        }
        for index in model.inputs {
            let tensor = model.tensors[index]
            guard tensor.type == .float32 else {
                throw ImportError(subject: "TFLite model", node: file, "input '\(tensor.name)' is \(tensor.type); only float32 inputs are supported")
            }
            let dims = tensor.shapeSignature ?? tensor.shape
            values[index] = builder.input(tensor.name, dtype: .float32, shape: dims.map { $0 > 0 ? $0 : nil })
        }
        for (index, op) in model.operators.enumerated() { try translate(op, index: index) }
        for index in model.outputs {
            guard let value = values[index] else {
                throw ImportError(subject: "TFLite model", node: file, "output '\(model.tensors[index].name)' is never produced")
            }
            builder.output(value, named: model.tensors[index].name)
        }
    }

    /// The engine value of tensor `index`: a produced value, or a constant made on first use.
    mutating func value(_ index: Int, _ op: TFLiteModel.Operator, _ opIndex: Int) throws -> NHWCGraphBuilder.Value {
        if let value = values[index] { return value }
        let tensor = model.tensors[index]
        guard let data = tensor.data else { throw fail(opIndex, op, "input tensor '\(tensor.name)' has no value") }
        let constant = try Self.tensor(tensor, data: data, op: fail(opIndex, op, ""))
        let value = builder.constant(constant, name: "\(tensor.name)#const\(index)")
        values[index] = value
        return value
    }

    mutating func constant(_ index: Int, _ op: TFLiteModel.Operator, _ opIndex: Int, _ what: String) throws -> Tensor {
        guard let constant = try value(index, op, opIndex).constant else {
            throw fail(opIndex, op, "\(what) (tensor '\(model.tensors[index].name)') must be a constant")
        }
        return constant
    }

    static func tensor(_ tensor: TFLiteModel.Tensor, data: Data, op: ImportError) throws -> Tensor {
        let count = tensor.shape.reduce(1, *)
        func array<T>(_ type: T.Type) throws -> [T] {
            guard data.count == count * MemoryLayout<T>.size else {
                throw ImportError(subject: op.subject, node: op.node, "tensor '\(tensor.name)' holds \(data.count) bytes; shape \(tensor.shape) of \(tensor.type) needs \(count * MemoryLayout<T>.size)")
            }
            return data.withUnsafeBytes { raw in (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) } }
        }
        switch tensor.type {
        case .float32: return Tensor(shape: tensor.shape, floats: try array(Float.self))
        case .float16: return Tensor(shape: tensor.shape, floats: try array(UInt16.self).map { Float(Float16(bitPattern: $0)) })
        case .int32: return Tensor(shape: tensor.shape, ints: try array(Int32.self).map { Int64($0) }, dtype: .int32)
        case .int64: return Tensor(shape: tensor.shape, ints: try array(Int64.self))
        case .bool: return Tensor(shape: tensor.shape, bools: try array(UInt8.self).map { $0 != 0 })
        default:
            throw ImportError(subject: op.subject, node: op.node, "constant '\(tensor.name)' of type \(tensor.type) is not supported")
        }
    }
}
