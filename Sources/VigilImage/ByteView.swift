/// Bounds-checked little/big-endian reads from the file bytes (never traps on short data).
struct ByteView {
    let bytes: UnsafeRawBufferPointer

    var count: Int { bytes.count }

    func u8(_ offset: Int) -> UInt8? {
        offset >= 0 && offset < bytes.count ? bytes[offset] : nil
    }

    func u16le(_ offset: Int) -> UInt16? {
        guard offset >= 0, offset <= bytes.count - 2 else { return nil }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    func u32le(_ offset: Int) -> UInt32? {
        guard offset >= 0, offset <= bytes.count - 4 else { return nil }
        return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
            | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }

    func u16(_ offset: Int, bigEndian: Bool) -> UInt16? {
        guard let v = u16le(offset) else { return nil }
        return bigEndian ? v.byteSwapped : v
    }

    func u32(_ offset: Int, bigEndian: Bool) -> UInt32? {
        guard let v = u32le(offset) else { return nil }
        return bigEndian ? v.byteSwapped : v
    }
}
