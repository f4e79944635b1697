import Foundation
import VigilEngine

/// Converts ONNX TensorProto values (raw_data or typed fields, external data) into engine tensors.
///
/// float16, bfloat16 and double become float32; 8/16/32-bit and unsigned integers keep their
/// nominal type where the engine has one (int8, uint8, int32) and become int64 otherwise.
/// https://github.com/onnx/onnx/blob/main/docs/IR.md#tensor-element-types
struct ONNXTensorDecoder {
    /// The folder external-data locations are resolved against.
    let modelDirectory: URL?
    let file: String

    enum ElementType: Int32 {
        case float = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7, string = 8, bool = 9
        case float16 = 10, double = 11, uint32 = 12, uint64 = 13, bfloat16 = 16
    }

    static func dataType(_ code: Int32) -> DataType? {
        switch ElementType(rawValue: code) {
        case .float?, .float16?, .double?, .bfloat16?: return .float32
        case .uint8?: return .uint8
        case .int8?: return .int8
        case .int32?: return .int32
        case .int16?, .uint16?, .uint32?, .uint64?, .int64?: return .int64
        case .bool?: return .bool
        case .string?: return .string
        default: return nil
        }
    }

    static func typeName(_ code: Int32) -> String {
        ElementType(rawValue: code).map { "\($0)" } ?? "type code \(code)"
    }

    func decode(_ proto: Onnx_TensorProto, what: String) throws -> Tensor {
        let shape = proto.dims.map { Int($0) }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw ONNXImportError(file: file, "\(what) has a negative dim \(proto.dims)") }
        let count = shape.reduce(1, *)
        guard let type = ElementType(rawValue: proto.dataType) else {
            throw ONNXImportError(file: file, "\(what) has unsupported data type \(Self.typeName(proto.dataType))")
        }
        if proto.hasSegment { throw ONNXImportError(file: file, "\(what) is segmented, which is not supported") }
        var raw: Data? = proto.hasRawData ? proto.rawData : nil
        if proto.dataLocation == .external { raw = try external(proto, what: what) }

        func requireRaw(_ size: Int) throws -> Data? {
            guard let raw else { return nil }
            guard raw.count == count * size else {
                throw ONNXImportError(file: file, "\(what): raw data holds \(raw.count) bytes, shape \(shape) of \(type) needs \(count * size) (truncated or corrupt)")
            }
            return raw
        }
        func checkCount(_ n: Int) throws {
            guard n == count else {
                throw ONNXImportError(file: file, "\(what): holds \(n) values, shape \(shape) needs \(count)")
            }
        }

        switch type {
        case .float:
            if let raw = try requireRaw(4) { return Tensor(shape: shape, floats: raw.littleEndianArray(Float.self)) }
            try checkCount(proto.floatData.count)
            return Tensor(shape: shape, floats: proto.floatData)
        case .double:
            if let raw = try requireRaw(8) { return Tensor(shape: shape, floats: raw.littleEndianArray(Double.self).map { Float($0) }) }
            try checkCount(proto.doubleData.count)
            return Tensor(shape: shape, floats: proto.doubleData.map { Float($0) })
        case .float16, .bfloat16:
            let bits: [UInt16]
            if let raw = try requireRaw(2) { bits = raw.littleEndianArray(UInt16.self) } else {
                try checkCount(proto.int32Data.count)
                bits = proto.int32Data.map { UInt16(truncatingIfNeeded: $0) }
            }
            let values = type == .float16 ? bits.map { Float(Float16(bitPattern: $0)) }
                                          : bits.map { Float(bitPattern: UInt32($0) << 16) }
            return Tensor(shape: shape, floats: values)
        case .int64:
            if let raw = try requireRaw(8) { return Tensor(shape: shape, ints: raw.littleEndianArray(Int64.self)) }
            try checkCount(proto.int64Data.count)
            return Tensor(shape: shape, ints: proto.int64Data)
        case .uint64, .uint32:
            let size = type == .uint64 ? 8 : 4
            if let raw = try requireRaw(size) {
                let values = size == 8 ? raw.littleEndianArray(UInt64.self).map { Int64(truncatingIfNeeded: $0) }
                                       : raw.littleEndianArray(UInt32.self).map { Int64($0) }
                return Tensor(shape: shape, ints: values)
            }
            try checkCount(proto.uint64Data.count)
            return Tensor(shape: shape, ints: proto.uint64Data.map { Int64(truncatingIfNeeded: $0) })
        case .int32, .int16, .uint16, .int8, .uint8, .bool:
            let size: Int = [.int32: 4, .int16: 2, .uint16: 2][type] ?? 1
            let values: [Int64]
            if let raw = try requireRaw(size) {
                switch type {
                case .int32: values = raw.littleEndianArray(Int32.self).map { Int64($0) }
                case .int16: values = raw.littleEndianArray(Int16.self).map { Int64($0) }
                case .uint16: values = raw.littleEndianArray(UInt16.self).map { Int64($0) }
                case .int8: values = raw.littleEndianArray(Int8.self).map { Int64($0) }
                default: values = raw.littleEndianArray(UInt8.self).map { Int64($0) }
                }
            } else {
                try checkCount(proto.int32Data.count)
                values = proto.int32Data.map { Int64($0) }
            }
            switch type {
            case .bool: return Tensor(shape: shape, bools: values.map { $0 != 0 })
            case .int8: return Tensor(shape: shape, ints: values, dtype: .int8)
            case .uint8: return Tensor(shape: shape, ints: values, dtype: .uint8)
            case .int32: return Tensor(shape: shape, ints: values, dtype: .int32)
            default: return Tensor(shape: shape, ints: values)
            }
        case .string:
            try checkCount(proto.stringData.count)
            return Tensor(shape: shape, strings: proto.stringData.map { String(decoding: $0, as: UTF8.self) })
        }
    }

    /// Reads external data: `location` relative to the model's folder, optional `offset` and `length`.
    private func external(_ proto: Onnx_TensorProto, what: String) throws -> Data {
        var entries: [String: String] = [:]
        for entry in proto.externalData { entries[entry.key] = entry.value }
        guard let location = entries["location"], !location.isEmpty else {
            throw ONNXImportError(file: file, "\(what) uses external data without a location")
        }
        guard let directory = modelDirectory else {
            throw ONNXImportError(file: file, "\(what) uses external data '\(location)', but the model was not loaded from a file")
        }
        guard !location.hasPrefix("/"), !location.split(separator: "/").contains("..") else {
            throw ONNXImportError(file: file, "\(what): external data location '\(location)' must stay inside the model's folder")
        }
        let url = directory.appendingPathComponent(location)
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw ONNXImportError(file: file, "\(what): external data file '\(url.path)' cannot be opened")
        }
        defer { try? handle.close() }
        let offset = UInt64(entries["offset"] ?? "0") ?? 0
        try handle.seek(toOffset: offset)
        let data: Data
        if let lengthText = entries["length"], let length = Int(lengthText) {
            data = handle.readData(ofLength: length)
            guard data.count == length else {
                throw ONNXImportError(file: file, "\(what): external data file '\(location)' ends before offset \(offset) + length \(length)")
            }
        } else {
            data = handle.readDataToEndOfFile()
        }
        return data
    }
}

extension Data {
    /// The bytes as an array of little-endian fixed-width values (this code targets little-endian hosts).
    func littleEndianArray<T>(_ type: T.Type) -> [T] {
        let count = self.count / MemoryLayout<T>.size
        guard count > 0 else { return [] }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            _ = self.withUnsafeBytes { raw in
                memcpy(buffer.baseAddress!, raw.baseAddress!, count * MemoryLayout<T>.size)
            }
            initialized = count
        }
    }
}
