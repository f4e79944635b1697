import Foundation

/// A bounds-checked reader of one FlatBuffer held in memory.
///
/// FlatBuffers (https://flatbuffers.dev/internals/) store little-endian scalars; a table starts with
/// an `soffset32` back to its vtable (`u16` vtable size, `u16` table size, then one `u16` offset per
/// field slot, 0 = absent); tables, vectors and strings are reached through forward `uoffset32`
/// offsets; a vector or string is a `u32` element count followed by the elements. Every read here
/// checks the bytes it touches against the buffer first, so a truncated or corrupt file fails with
/// a `TFLiteFormatError` naming what was read and where, and never reads out of bounds. Alignment is
/// not checked: all loads are unaligned-safe.
///
/// A FlatBuffer is a DAG: a hostile file can point thousands of tables at one huge vector, so the
/// reader charges every vector it decodes against a budget of twice the file size (a model decodes
/// each vector once, about 1x) and fails past it instead of exhausting memory.
///
/// `what` arguments are autoclosures so that the context strings are only built on failure.
/// A reader is used by one parse on one thread.
final class FlatBufferReader {
    /// A table: where its inline fields start and where its vtable is.
    struct Table {
        let position: Int
        let vtable: Int
        let vtableSize: Int
        let inlineSize: Int
    }

    /// A vector: where its first element is and how many there are.
    struct Vector {
        let start: Int
        let count: Int
    }

    let bytes: [UInt8]
    let file: String
    /// Bytes of vectors, strings and external buffers decoded so far, against `decodeBudget`.
    private(set) var decodedBytes = 0
    let decodeBudget: Int

    init(_ data: Data, file: String) {
        bytes = [UInt8](data)
        self.file = file
        decodeBudget = 2 * bytes.count + 65_536
    }

    var count: Int { bytes.count }

    func failure(_ detail: String) -> TFLiteFormatError {
        TFLiteFormatError(file: file, detail: detail)
    }

    /// Counts `size` decoded bytes against the budget.
    func charge(_ size: Int, _ what: @autoclosure () -> String) throws {
        decodedBytes += size
        guard decodedBytes <= decodeBudget else {
            throw failure("\(what()): the file's tables decode to more than \(decodeBudget) bytes from a "
                          + "\(count)-byte file; vectors are shared or overlap, so the file is corrupt")
        }
    }

    // MARK: Raw loads

    /// Throws unless `size` bytes at `position` lie inside the buffer.
    func check(_ position: Int, size: Int, _ what: @autoclosure () -> String) throws {
        guard position >= 0, size >= 0, position <= count, size <= count - position else {
            throw failure("\(what()) at byte \(position): \(size) bytes would run past the end of the file (\(count) bytes)")
        }
    }

    /// A little-endian scalar at an absolute position.
    func load<T: FixedWidthInteger>(_: T.Type, at position: Int, _ what: @autoclosure () -> String) throws -> T {
        try check(position, size: MemoryLayout<T>.size, what())
        return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: T.self)) }
    }

    /// Follows the `uoffset32` stored at `position`; the target must lie inside the buffer.
    func follow(_ position: Int, _ what: @autoclosure () -> String) throws -> Int {
        let target = position + Int(try load(UInt32.self, at: position, what()))
        guard target < count else {
            throw failure("\(what()) at byte \(position): offset points to byte \(target), past the end of the file (\(count) bytes)")
        }
        return target
    }

    // MARK: Tables

    /// The table whose first byte (its `soffset32` to the vtable) is at `position`.
    func table(at position: Int, _ what: @autoclosure () -> String) throws -> Table {
        let back = Int(try load(Int32.self, at: position, what()))
        let vtable = position - back
        guard vtable >= 0, vtable <= count - 4 else {
            throw failure("\(what()) at byte \(position): its vtable offset points to byte \(vtable), outside the file (\(count) bytes)")
        }
        let vtableSize = Int(try load(UInt16.self, at: vtable, "\(what()) vtable"))
        let inlineSize = Int(try load(UInt16.self, at: vtable + 2, "\(what()) vtable"))
        guard vtableSize >= 4, vtableSize % 2 == 0 else {
            throw failure("\(what()) vtable at byte \(vtable): invalid vtable size \(vtableSize)")
        }
        try check(vtable, size: vtableSize, "\(what()) vtable")
        guard inlineSize >= 4 else {
            throw failure("\(what()) at byte \(position): invalid table size \(inlineSize)")
        }
        try check(position, size: inlineSize, what())
        return Table(position: position, vtable: vtable, vtableSize: vtableSize, inlineSize: inlineSize)
    }

    /// The root table; its offset is the buffer's first four bytes.
    func root(_ what: String) throws -> Table {
        try table(at: try follow(0, "\(what) root offset"), what)
    }

    /// Where field `slot` of `table` is stored, or nil when the field is absent. Checks that a
    /// field of `size` bytes lies inside the table's inline area.
    func field(_ table: Table, _ slot: Int, size: Int, _ what: @autoclosure () -> String) throws -> Int? {
        let entry = 4 + 2 * slot
        guard entry + 2 <= table.vtableSize else { return nil }
        let offset = Int(try load(UInt16.self, at: table.vtable + entry, what()))
        guard offset != 0 else { return nil }
        guard offset >= 4, offset + size <= table.inlineSize else {
            throw failure("\(what()) in the table at byte \(table.position): field offset \(offset) "
                          + "lies outside the table (\(table.inlineSize) bytes)")
        }
        return table.position + offset
    }

    /// A scalar field, or the schema default when absent.
    func scalar<T: FixedWidthInteger>(_ table: Table, _ slot: Int, default value: T, _ what: @autoclosure () -> String) throws -> T {
        guard let position = try field(table, slot, size: MemoryLayout<T>.size, what()) else { return value }
        return try load(T.self, at: position, what())
    }

    func float(_ table: Table, _ slot: Int, default value: Float, _ what: @autoclosure () -> String) throws -> Float {
        guard let position = try field(table, slot, size: 4, what()) else { return value }
        return Float(bitPattern: try load(UInt32.self, at: position, what()))
    }

    func bool(_ table: Table, _ slot: Int, default value: Bool, _ what: @autoclosure () -> String) throws -> Bool {
        guard let position = try field(table, slot, size: 1, what()) else { return value }
        return try load(UInt8.self, at: position, what()) != 0
    }

    /// A sub-table field, or nil when absent.
    func table(_ table: Table, _ slot: Int, _ what: @autoclosure () -> String) throws -> Table? {
        guard let position = try field(table, slot, size: 4, what()) else { return nil }
        return try self.table(at: try follow(position, what()), what())
    }

    // MARK: Vectors and strings

    /// A vector field of `elementSize`-byte elements, or nil when absent; the whole vector is
    /// checked to lie inside the buffer before anything is read from it.
    func vector(_ table: Table, _ slot: Int, elementSize: Int, _ what: @autoclosure () -> String) throws -> Vector? {
        guard let position = try field(table, slot, size: 4, what()) else { return nil }
        return try vector(at: try follow(position, what()), elementSize: elementSize, what())
    }

    func vector(at position: Int, elementSize: Int, _ what: @autoclosure () -> String) throws -> Vector {
        let length = Int(try load(UInt32.self, at: position, what()))
        let start = position + 4
        guard length <= (count - min(start, count)) / elementSize else {
            throw failure("\(what()) at byte \(position): a vector of \(length) elements of \(elementSize) bytes "
                          + "runs past the end of the file (\(count) bytes)")
        }
        try charge(4 + length * elementSize, "\(what()) at byte \(position)")
        return Vector(start: start, count: length)
    }

    func ints(_ table: Table, _ slot: Int, _ what: @autoclosure () -> String) throws -> [Int]? {
        guard let vector = try vector(table, slot, elementSize: 4, what()) else { return nil }
        return bytes.withUnsafeBytes { raw in
            (0..<vector.count).map { Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: vector.start + 4 * $0, as: Int32.self))) }
        }
    }

    func int64s(_ table: Table, _ slot: Int, _ what: @autoclosure () -> String) throws -> [Int64]? {
        guard let vector = try vector(table, slot, elementSize: 8, what()) else { return nil }
        return bytes.withUnsafeBytes { raw in
            (0..<vector.count).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: vector.start + 8 * $0, as: Int64.self)) }
        }
    }

    func floats(_ table: Table, _ slot: Int, _ what: @autoclosure () -> String) throws -> [Float]? {
        guard let vector = try vector(table, slot, elementSize: 4, what()) else { return nil }
        return bytes.withUnsafeBytes { raw in
            (0..<vector.count).map {
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: vector.start + 4 * $0, as: UInt32.self)))
            }
        }
    }

    /// The byte range of a `[ubyte]` field, or nil when absent.
    func byteRange(_ table: Table, _ slot: Int, _ what: @autoclosure () -> String) throws -> Range<Int>? {
        guard let vector = try vector(table, slot, elementSize: 1, what()) else { return nil }
        return vector.start..<vector.start + vector.count
    }

    /// A string field (UTF-8; invalid sequences become U+FFFD), or nil when absent.
    func string(_ table: Table, _ slot: Int, _ what: @autoclosure () -> String) throws -> String? {
        guard let range = try byteRange(table, slot, what()) else { return nil }
        return String(decoding: bytes[range], as: UTF8.self)
    }

    /// A vector of tables, each checked as it is opened.
    func tables(_ table: Table, _ slot: Int, _ what: @autoclosure () -> String) throws -> [Table] {
        guard let vector = try vector(table, slot, elementSize: 4, what()) else { return [] }
        return try (0..<vector.count).map { index in
            let position = vector.start + 4 * index
            return try self.table(at: try follow(position, "\(what()) [\(index)]"), "\(what()) [\(index)]")
        }
    }

    /// A union: its type tag in `slot` and its table in `slot + 1` (FlatBuffers gives a union
    /// field two slots). Nil when the tag is 0 (NONE).
    func union(_ table: Table, _ slot: Int, _ what: @autoclosure () -> String) throws -> (type: Int, table: Table)? {
        let type = Int(try scalar(table, slot, default: UInt8(0), "\(what()) type"))
        guard type != 0 else { return nil }
        guard let value = try self.table(table, slot + 1, what()) else {
            throw failure("\(what()) in the table at byte \(table.position): union type \(type) is set but its table is missing")
        }
        return (type, value)
    }
}
