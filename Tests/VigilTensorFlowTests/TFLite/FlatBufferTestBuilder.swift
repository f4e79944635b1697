import Foundation

/// A FlatBuffer value tree for building small test files by hand.
indirect enum FBObject {
    /// A table: slot -> field.
    case table([Int: FBField])
    case string(String)
    case bytes([UInt8])
    case int32s([Int32])
    case int64s([Int64])
    case floats([Float])
    case tables([FBObject])
}

/// One table field: an inline scalar or a reference to a table, vector or string.
enum FBField {
    case i8(Int8), u8(UInt8), bool(Bool), i32(Int32), u32(UInt32), u64(UInt64), f32(Float)
    case ref(FBObject)

    var size: Int {
        switch self {
        case .i8, .u8, .bool: 1
        case .i32, .u32, .f32, .ref: 4
        case .u64: 8
        }
    }
}

/// Serialises an `FBObject` tree front to back: the root offset and file identifier first, then
/// every object before its children, so every `uoffset32` points forward as FlatBuffers require.
/// Scalars are aligned to their size, vectors of 8-byte elements to 8. Not a general builder
/// (no sharing, no size optimisation): just enough to write valid files with chosen fields.
struct FlatBufferTestBuilder {
    private(set) var bytes: [UInt8] = []

    static func serialize(_ root: FBObject, identifier: String = "TFL3") -> [UInt8] {
        var builder = FlatBufferTestBuilder()
        builder.bytes = [0, 0, 0, 0] + Array(identifier.utf8.prefix(4))
        let position = builder.write(root)
        builder.patch(UInt32(position), at: 0)
        return builder.bytes
    }

    private mutating func align(_ alignment: Int, offset: Int = 0) {
        while (bytes.count + offset) % alignment != 0 { bytes.append(0) }
    }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func patch(_ value: UInt32, at position: Int) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for (index, byte) in raw.enumerated() { bytes[position + index] = byte }
        }
    }

    /// Writes `object`; returns where a reference to it must point.
    private mutating func write(_ object: FBObject) -> Int {
        switch object {
        case .table(let fields):
            return writeTable(fields)
        case .string(let text):
            align(4)
            let position = bytes.count
            append(UInt32(text.utf8.count))
            bytes.append(contentsOf: Array(text.utf8) + [0])
            return position
        case .bytes(let values):
            return writeVector(values.count, elementSize: 1) { $0.bytes.append(contentsOf: values) }
        case .int32s(let values):
            return writeVector(values.count, elementSize: 4) { builder in values.forEach { builder.append($0) } }
        case .int64s(let values):
            return writeVector(values.count, elementSize: 8) { builder in values.forEach { builder.append($0) } }
        case .floats(let values):
            return writeVector(values.count, elementSize: 4) { builder in values.forEach { builder.append($0.bitPattern) } }
        case .tables(let children):
            align(4)
            let position = bytes.count
            append(UInt32(children.count))
            let slots = children.indices.map { position + 4 + 4 * $0 }
            for _ in children { append(UInt32(0)) }
            for (slot, child) in zip(slots, children) {
                let target = write(child)
                patch(UInt32(target - slot), at: slot)
            }
            return position
        }
    }

    private mutating func writeVector(_ count: Int, elementSize: Int, _ body: (inout FlatBufferTestBuilder) -> Void) -> Int {
        align(max(4, elementSize), offset: 4)
        let position = bytes.count
        append(UInt32(count))
        body(&self)
        return position
    }

    private mutating func writeTable(_ fields: [Int: FBField]) -> Int {
        let slots = fields.keys.sorted()
        // Inline layout: soffset32, then fields in slot order, each aligned to its size.
        var offsets: [Int: Int] = [:]
        var end = 4
        for slot in slots {
            let size = fields[slot]!.size
            end = (end + size - 1) / size * size
            offsets[slot] = end
            end += size
        }
        let slotCount = (slots.last ?? -1) + 1
        align(2)
        let vtable = bytes.count
        append(UInt16(4 + 2 * slotCount))
        append(UInt16(end))
        for slot in 0..<slotCount { append(UInt16(offsets[slot] ?? 0)) }
        align(8)
        let table = bytes.count
        append(Int32(table - vtable))
        bytes.append(contentsOf: [UInt8](repeating: 0, count: end - 4))
        var references: [(Int, FBObject)] = []
        for slot in slots {
            let position = table + offsets[slot]!
            switch fields[slot]! {
            case .i8(let value): bytes[position] = UInt8(bitPattern: value)
            case .u8(let value): bytes[position] = value
            case .bool(let value): bytes[position] = value ? 1 : 0
            case .i32(let value): patch(UInt32(bitPattern: value), at: position)
            case .u32(let value): patch(value, at: position)
            case .f32(let value): patch(value.bitPattern, at: position)
            case .u64(let value):
                patch(UInt32(truncatingIfNeeded: value), at: position)
                patch(UInt32(truncatingIfNeeded: value >> 32), at: position + 4)
            case .ref(let child): references.append((position, child))
            }
        }
        for (position, child) in references {
            let target = write(child)
            patch(UInt32(target - position), at: position)
        }
        return table
    }
}
