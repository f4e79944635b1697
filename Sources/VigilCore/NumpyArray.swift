import Foundation

/// A dense array as stored in a NumPy `.npy` file (format 1.0/2.0/3.0, little-endian, C order).
///
/// Users debug exports with `.npy` tensors (`vigil infer`), and the reference inputs and outputs
/// under `shared/models` are stored this way. Only the element types Vigil's tensors use are read:
/// `<f4`, `<f8` (narrowed to Float), `<i8`, `<i4`, `|u1`, `|i1`, `|b1` (widened to Int64).
/// Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
public struct NumpyArray: Sendable, Equatable {
    public enum Elements: Sendable, Equatable {
        case float32([Float])
        case int64([Int64])
    }

    public var shape: [Int]
    public var elements: Elements

    public init(shape: [Int], floats: [Float]) {
        precondition(shape.reduce(1, *) == floats.count, "shape \(shape) does not hold \(floats.count) elements")
        self.shape = shape
        self.elements = .float32(floats)
    }

    public init(shape: [Int], ints: [Int64]) {
        precondition(shape.reduce(1, *) == ints.count, "shape \(shape) does not hold \(ints.count) elements")
        self.shape = shape
        self.elements = .int64(ints)
    }

    /// The elements as Float (integers converted).
    public var floats: [Float] {
        switch elements {
        case .float32(let values): return values
        case .int64(let values): return values.map(Float.init)
        }
    }

    public var count: Int { shape.reduce(1, *) }
}

/// Why an `.npy` file could not be read.
public struct NumpyFormatError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "\(path): not a readable .npy file: \(reason)" }
}

extension NumpyArray {
    /// Reads an `.npy` file; `path` is only used in error messages when `data` is given.
    public static func read(contentsOf url: URL) throws -> NumpyArray {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw NumpyFormatError(path: url.path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(data, path: url.path)
    }

    public static func parse(_ data: Data, path: String = "<data>") throws -> NumpyArray {
        let bytes = [UInt8](data)
        func fail(_ reason: String) -> NumpyFormatError { NumpyFormatError(path: path, reason: reason) }
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw fail("missing the \\x93NUMPY magic")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw fail("format version \(major) is not supported")
        }
        guard bytes.count >= headerStart + headerLength else { throw fail("truncated header") }
        guard let header = String(bytes: bytes[headerStart..<headerStart + headerLength], encoding: .utf8) else {
            throw fail("header is not text")
        }
        guard let descr = Self.value(of: "descr", in: header)?.trimmingCharacters(in: CharacterSet(charactersIn: "'\" ")) else {
            throw fail("header has no 'descr'")
        }
        if let order = Self.value(of: "fortran_order", in: header), order.contains("True") {
            throw fail("Fortran-ordered arrays are not supported")
        }
        guard let shapeText = Self.tuple(named: "shape", in: header) else { throw fail("header has no 'shape'") }
        var shape: [Int] = []
        for part in shapeText.split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let dim = Int(trimmed), dim >= 0 else { throw fail("bad shape entry '\(trimmed)'") }
            shape.append(dim)
        }
        let count = shape.reduce(1, *)
        let payload = headerStart + headerLength
        func need(_ size: Int) throws {
            guard bytes.count - payload >= count * size else {
                throw fail("payload holds \(bytes.count - payload) bytes, shape \(shape) of \(descr) needs \(count * size)")
            }
        }
        return try bytes.withUnsafeBytes { raw -> NumpyArray in
            let base = raw.baseAddress!.advanced(by: payload)
            switch descr {
            case "<f4":
                try need(4)
                var out = [Float](repeating: 0, count: count)
                out.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: base, count: count * 4)) }
                return NumpyArray(shape: shape, floats: out)
            case "<f8":
                try need(8)
                let out = (0..<count).map { Float(base.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self)) }
                return NumpyArray(shape: shape, floats: out)
            case "<i8":
                try need(8)
                let out = (0..<count).map { base.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self) }
                return NumpyArray(shape: shape, ints: out)
            case "<i4":
                try need(4)
                let out = (0..<count).map { Int64(base.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)) }
                return NumpyArray(shape: shape, ints: out)
            case "|u1", "|b1":
                try need(1)
                let out = (0..<count).map { Int64(base.load(fromByteOffset: $0, as: UInt8.self)) }
                return NumpyArray(shape: shape, ints: out)
            case "|i1":
                try need(1)
                let out = (0..<count).map { Int64(base.load(fromByteOffset: $0, as: Int8.self)) }
                return NumpyArray(shape: shape, ints: out)
            default:
                throw fail("element type '\(descr)' is not supported (float32, float64, int64, int32, uint8, int8, bool are)")
            }
        }
    }

    /// The file bytes: format 1.0, `<f4` or `<i8`, header padded so the data starts at a multiple of 64.
    public func serialized() -> Data {
        let descr: String
        switch elements {
        case .float32: descr = "<f4"
        case .int64: descr = "<i8"
        }
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        switch elements {
        case .float32(let values): values.withUnsafeBytes { data.append(contentsOf: $0) }
        case .int64(let values): values.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        return data
    }

    public func write(to url: URL) throws {
        try serialized().write(to: url, options: .atomic)
    }

    private static func value(of key: String, in header: String) -> String? {
        guard let range = header.range(of: "'\(key)':") else { return nil }
        let rest = header[range.upperBound...]
        let end = rest.firstIndex(of: ",") ?? rest.endIndex
        return String(rest[..<end]).trimmingCharacters(in: .whitespaces)
    }

    private static func tuple(named key: String, in header: String) -> String? {
        guard let range = header.range(of: "'\(key)':"),
              let open = header[range.upperBound...].firstIndex(of: "("),
              let close = header[open...].firstIndex(of: ")") else { return nil }
        return String(header[header.index(after: open)..<close])
    }
}
