/// The little of TIFF that EXIF needs: one integer tag of IFD0.
enum TIFFDirectory {
    /// The value of `tag` in the first IFD of `tiff` when it is a single integer (BYTE, SHORT,
    /// LONG or their signed forms, count 1) — the only shapes Pillow hands back as an int.
    /// A repeated tag takes its last value, as in Pillow's dict. Nil on any malformation.
    static func integerTag(_ tag: UInt16, inFirstIFDOf tiff: [UInt8]) -> Int? {
        tiff.withUnsafeBytes { raw -> Int? in
            let view = ByteView(bytes: raw)
            guard view.count >= 8 else { return nil }
            let bigEndian: Bool
            switch (raw[0], raw[1]) {
            case (0x49, 0x49): bigEndian = false
            case (0x4D, 0x4D): bigEndian = true
            default: return nil
            }
            guard view.u16(2, bigEndian: bigEndian) == 42,
                  let ifd = view.u32(4, bigEndian: bigEndian).map(Int.init),
                  let entries = view.u16(ifd, bigEndian: bigEndian) else { return nil }
            var found: Int? = nil
            for n in 0..<Int(entries) {
                let entry = ifd + 2 + 12 * n
                guard let entryTag = view.u16(entry, bigEndian: bigEndian),
                      let type = view.u16(entry + 2, bigEndian: bigEndian),
                      let count = view.u32(entry + 4, bigEndian: bigEndian) else { break }
                guard entryTag == tag else { continue }
                guard count == 1 else { found = nil; continue }
                let value = entry + 8
                switch type {
                case 1: found = view.u8(value).map { Int($0) }
                case 6: found = view.u8(value).map { Int(Int8(bitPattern: $0)) }
                case 3: found = view.u16(value, bigEndian: bigEndian).map { Int($0) }
                case 8: found = view.u16(value, bigEndian: bigEndian).map { Int(Int16(bitPattern: $0)) }
                case 4: found = view.u32(value, bigEndian: bigEndian).map { Int($0) }
                case 9: found = view.u32(value, bigEndian: bigEndian).map { Int(Int32(bitPattern: $0)) }
                default: found = nil
                }
            }
            return found
        }
    }
}
