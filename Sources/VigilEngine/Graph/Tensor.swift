/// A dense, C-ordered tensor value held in Swift arrays: constants, folded values, and the
/// convenience inputs/outputs of `InferenceSession.run(_:)`.
///
/// Integer types (int64, int32, int8, uint8) are stored widened to Int64 and booleans as Bool;
/// `dtype` keeps the nominal type so casts and buffer layouts stay exact.
public struct Tensor: Sendable, Equatable, CustomStringConvertible {
    public enum Storage: Sendable, Equatable {
        case float([Float])
        case int([Int64])
        case bool([Bool])
        case string([String])
    }

    public let dtype: DataType
    public let shape: [Int]
    public let storage: Storage

    public var count: Int { shape.reduce(1, *) }

    public init(shape: [Int], floats: [Float]) {
        precondition(shape.reduce(1, *) == floats.count, "shape \(shape) does not hold \(floats.count) values")
        self.dtype = .float32; self.shape = shape; self.storage = .float(floats)
    }

    public init(shape: [Int], ints: [Int64], dtype: DataType = .int64) {
        precondition(dtype.isInteger)
        precondition(shape.reduce(1, *) == ints.count, "shape \(shape) does not hold \(ints.count) values")
        self.dtype = dtype; self.shape = shape; self.storage = .int(ints)
    }

    public init(shape: [Int], bools: [Bool]) {
        precondition(shape.reduce(1, *) == bools.count)
        self.dtype = .bool; self.shape = shape; self.storage = .bool(bools)
    }

    public init(shape: [Int], strings: [String]) {
        precondition(shape.reduce(1, *) == strings.count)
        self.dtype = .string; self.shape = shape; self.storage = .string(strings)
    }

    public static func scalar(_ value: Float) -> Tensor { Tensor(shape: [], floats: [value]) }

    /// Values as Float (integers and booleans converted); empty for strings.
    public var floats: [Float] {
        switch storage {
        case .float(let v): return v
        case .int(let v): return v.map { Float($0) }
        case .bool(let v): return v.map { $0 ? 1 : 0 }
        case .string: return []
        }
    }

    /// Values as Int64 (floats truncated toward zero, as ONNX Cast does); empty for strings.
    public var ints: [Int64] {
        switch storage {
        case .float(let v): return v.map { $0.isFinite ? Int64($0) : 0 }
        case .int(let v): return v
        case .bool(let v): return v.map { $0 ? 1 : 0 }
        case .string: return []
        }
    }

    public var strings: [String] {
        if case .string(let v) = storage { return v }
        return []
    }

    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count)
        switch storage {
        case .float(let v): return Tensor(shape: newShape, floats: v)
        case .int(let v): return Tensor(shape: newShape, ints: v, dtype: dtype)
        case .bool(let v): return Tensor(shape: newShape, bools: v)
        case .string(let v): return Tensor(shape: newShape, strings: v)
        }
    }

    public var description: String {
        let preview: String
        switch storage {
        case .float(let v): preview = v.prefix(6).map { "\($0)" }.joined(separator: ", ")
        case .int(let v): preview = v.prefix(6).map { "\($0)" }.joined(separator: ", ")
        case .bool(let v): preview = v.prefix(6).map { "\($0)" }.joined(separator: ", ")
        case .string(let v): preview = v.prefix(6).joined(separator: ", ")
        }
        return "Tensor<\(dtype)>\(shape)[\(preview)\(count > 6 ? ", …" : "")]"
    }
}

extension Tensor {
    /// A tensor with no elements (a zero dim in `shape`).
    public static func empty(dtype: DataType, shape: [Int]) -> Tensor {
        switch dtype {
        case .float32: Tensor(shape: shape, floats: [])
        case .bool: Tensor(shape: shape, bools: [])
        case .string: Tensor(shape: shape, strings: [])
        default: Tensor(shape: shape, ints: [], dtype: dtype)
        }
    }
}

extension Tensor.Storage {
    /// The truth of a one-element tensor (an If condition): non-zero.
    var isTrue: Bool {
        switch self {
        case .float(let v): v.first.map { $0 != 0 } ?? false
        case .int(let v): v.first.map { $0 != 0 } ?? false
        case .bool(let v): v.first ?? false
        case .string(let v): !(v.first ?? "").isEmpty
        }
    }
}

extension Tensor {
    /// Writes the values into an execution buffer laid out as `dtype` (`byteSize` per element).
    public func copyBytes(to destination: UnsafeMutableRawPointer) {
        guard count > 0 else { return }
        switch (storage, dtype) {
        case (.float(let v), _):
            v.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        case (.int(let v), .int64):
            v.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        case (.int(let v), .int32):
            let p = destination.assumingMemoryBound(to: Int32.self)
            for i in 0..<v.count { p[i] = Int32(truncatingIfNeeded: v[i]) }
        case (.int(let v), .int8):
            let p = destination.assumingMemoryBound(to: Int8.self)
            for i in 0..<v.count { p[i] = Int8(truncatingIfNeeded: v[i]) }
        case (.int(let v), _):
            let p = destination.assumingMemoryBound(to: UInt8.self)
            for i in 0..<v.count { p[i] = UInt8(truncatingIfNeeded: v[i]) }
        case (.bool(let v), _):
            let p = destination.assumingMemoryBound(to: UInt8.self)
            for i in 0..<v.count { p[i] = v[i] ? 1 : 0 }
        case (.string, _):
            break
        }
    }

    /// Reads a tensor of `dtype` and `shape` from an execution buffer.
    public init(dtype: DataType, shape: [Int], bytes source: UnsafeRawPointer) {
        let n = shape.reduce(1, *)
        switch dtype {
        case .float32:
            self.init(shape: shape, floats: Array(UnsafeBufferPointer(start: source.assumingMemoryBound(to: Float.self), count: n)))
        case .int64:
            self.init(shape: shape, ints: Array(UnsafeBufferPointer(start: source.assumingMemoryBound(to: Int64.self), count: n)))
        case .int32:
            let p = source.assumingMemoryBound(to: Int32.self)
            self.init(shape: shape, ints: (0..<n).map { Int64(p[$0]) }, dtype: .int32)
        case .int8:
            let p = source.assumingMemoryBound(to: Int8.self)
            self.init(shape: shape, ints: (0..<n).map { Int64(p[$0]) }, dtype: .int8)
        case .uint8:
            let p = source.assumingMemoryBound(to: UInt8.self)
            self.init(shape: shape, ints: (0..<n).map { Int64(p[$0]) }, dtype: .uint8)
        case .bool:
            let p = source.assumingMemoryBound(to: UInt8.self)
            self.init(shape: shape, bools: (0..<n).map { p[$0] != 0 })
        case .string:
            self.init(shape: shape, strings: Array(repeating: "", count: n))
        }
    }
}
