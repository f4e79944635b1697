import Foundation
import VigilEngine

/// Converts TensorFlow TensorProto constants into engine tensors (tensor_content or the typed
/// value lists; a short list repeats its last value, as TensorFlow does).
enum TensorFlowTensor {
    static func dataType(_ type: Tensorflow_DataType) -> DataType? {
        switch type {
        case .dtFloat, .dtDouble, .dtHalf, .dtBfloat16: return .float32
        case .dtInt32: return .int32
        case .dtInt64: return .int64
        case .dtUint8: return .uint8
        case .dtInt8: return .int8
        case .dtInt16, .dtUint16: return .int64
        case .dtBool: return .bool
        case .dtString: return .string
        default: return nil
        }
    }

    static func decode(_ proto: Tensorflow_TensorProto, node: String) throws -> Tensor {
        let shape = proto.tensorShape.dim.map { Int($0.size) }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw ImportError(subject: "TensorFlow node", node: node, "constant has an unknown dim \(shape)") }
        let count = shape.reduce(1, *)
        func fill<T>(_ values: [T]) throws -> [T] {
            if values.count == count { return values }
            if values.count >= 1, values.count < count { return values + Array(repeating: values.last!, count: count - values.count) }
            if count == 0 { return [] }
            throw ImportError(subject: "TensorFlow node", node: node, "constant holds \(values.count) values for shape \(shape)")
        }
        let raw = proto.tensorContent
        func rawArray<T>(_ type: T.Type) throws -> [T]? {
            guard !raw.isEmpty else { return nil }
            guard raw.count == count * MemoryLayout<T>.size else {
                throw ImportError(subject: "TensorFlow node", node: node, "tensor_content holds \(raw.count) bytes; shape \(shape) needs \(count * MemoryLayout<T>.size) (truncated or corrupt)")
            }
            return raw.withUnsafeBytes { Array($0.bindMemory(to: T.self)) }
        }
        switch proto.dtype {
        case .dtFloat:
            return Tensor(shape: shape, floats: try rawArray(Float.self) ?? fill(proto.floatVal))
        case .dtDouble:
            return Tensor(shape: shape, floats: try (rawArray(Double.self) ?? fill(proto.doubleVal)).map { Float($0) })
        case .dtHalf:
            let bits = try rawArray(UInt16.self) ?? fill(proto.halfVal.map { UInt16(truncatingIfNeeded: $0) })
            return Tensor(shape: shape, floats: bits.map { Float(Float16(bitPattern: $0)) })
        case .dtInt32:
            return Tensor(shape: shape, ints: try (rawArray(Int32.self) ?? fill(proto.intVal)).map { Int64($0) }, dtype: .int32)
        case .dtInt64:
            return Tensor(shape: shape, ints: try rawArray(Int64.self) ?? fill(proto.int64Val))
        case .dtUint8:
            return Tensor(shape: shape, ints: try (rawArray(UInt8.self) ?? fill(proto.intVal.map { UInt8(truncatingIfNeeded: $0) })).map { Int64($0) }, dtype: .uint8)
        case .dtInt8:
            return Tensor(shape: shape, ints: try (rawArray(Int8.self) ?? fill(proto.intVal.map { Int8(truncatingIfNeeded: $0) })).map { Int64($0) }, dtype: .int8)
        case .dtBool:
            return Tensor(shape: shape, bools: try (rawArray(UInt8.self)?.map { $0 != 0 }) ?? fill(proto.boolVal))
        case .dtString:
            return Tensor(shape: shape, strings: try fill(proto.stringVal.map { String(decoding: $0, as: UTF8.self) }))
        default:
            throw ImportError(subject: "TensorFlow node", node: node, "constant type \(proto.dtype) is not supported")
        }
    }
}
