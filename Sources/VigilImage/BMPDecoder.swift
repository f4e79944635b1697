/// Windows/OS2 bitmaps, following Pillow's BmpImagePlugin so the pixels match Pillow's.
///
/// Headers: OS/2 core (12 bytes) and BITMAPINFOHEADER through V5 (40, 52, 56, 64, 108, 124).
/// Pixels: 1/2/4/8-bit palette, 16-bit (5-5-5 by default), 24-bit, 32-bit (BGRX), BI_BITFIELDS
/// for 16/24/32-bit, BI_RLE8 and BI_RLE4 (`BMPDecoder+RunLength.swift`); bottom-up or top-down.
/// Pillow's rules that shape the result:
/// * the colour count is biClrUsed, or 2^bits when 0; entries beyond the stored palette are black;
/// * a palette whose entries are exactly (i,i,i) for i < colours (or black/white for two
///   colours) makes Pillow open the file as "L" ("1"): indices then read as grey levels;
/// * bitfield channels scale as v·255 / max (truncating), e.g. 5-bit 17 -> 139;
/// * alpha (32-bit masks) is dropped;
/// * when bfOffBits points just past the header of a palette image, the palette is skipped.
/// Beyond Pillow: 2-bit palettes and arbitrary contiguous bitfield masks are accepted; RLE
/// data that ends with an end-of-bitmap code before the last row leaves index 0 behind
/// (Pillow refuses such files with "not enough image data").
enum BMPDecoder {
    struct Header {
        var width = 0
        var height = 0
        var topDown = false
        var bits = 0
        var compression = 0
        var colors = 0
        var paletteEntrySize = 4
        var headerSize = 0
        var masks: (r: UInt32, g: UInt32, b: UInt32, a: UInt32) = (0, 0, 0, 0)
        var pixelOffset = 0
        var paletteOffset = 0
    }

    static func decode(_ bytes: ByteView, pixelLimit: Int) throws(DecodeFailure) -> DecodedImage {
        let header = try readHeader(bytes)
        try ImageDecoder.checkSize(width: header.width, height: header.height, limit: pixelLimit, format: .bmp)
        switch (header.compression, header.bits) {
        case (0, 1), (0, 2), (0, 4), (0, 8):
            let table = colorTable(bytes, header)
            let indices = try unpackIndices(bytes, header)
            return DecodedImage(image: applyTable(indices, table.entries, header), format: .bmp, sourceMode: table.mode)
        case (0, 16), (0, 24), (0, 32), (3, 16), (3, 24), (3, 32):
            return try decodeDirect(bytes, header)
        case (1, 8), (2, 4):
            let table = colorTable(bytes, header)
            let indices = try runLengthIndices(bytes, header, fourBit: header.compression == 2)
            return DecodedImage(image: applyTable(indices, table.entries, header), format: .bmp, sourceMode: table.mode)
        case (1, _), (2, _):
            throw DecodeFailure.unsupported(.bmp, "\(header.compression == 1 ? "RLE8" : "RLE4") with \(header.bits) bits per pixel")
        case (0, _), (3, _):
            throw DecodeFailure.unsupported(.bmp, "\(header.bits) bits per pixel" + (header.compression == 3 ? " with BI_BITFIELDS" : ""))
        default:
            throw DecodeFailure.unsupported(.bmp, "compression \(header.compression)" + compressionName(header.compression))
        }
    }

    private static func compressionName(_ code: Int) -> String {
        switch code {
        case 4: return " (embedded JPEG)"
        case 5: return " (embedded PNG)"
        case 6: return " (BI_ALPHABITFIELDS)"
        default: return ""
        }
    }

    static func readHeader(_ bytes: ByteView) throws(DecodeFailure) -> Header {
        guard bytes.count >= 18, let fileOffset = bytes.u32le(10), let size = bytes.u32le(14) else {
            throw DecodeFailure.truncated(.bmp, "file header needs 18 bytes, got \(bytes.count)")
        }
        var h = Header()
        h.headerSize = Int(size)
        guard [12, 40, 52, 56, 64, 108, 124].contains(h.headerSize) else {
            throw DecodeFailure.unsupported(.bmp, "header size \(size)")
        }
        guard bytes.count >= 14 + h.headerSize else {
            throw DecodeFailure.truncated(.bmp, "\(h.headerSize)-byte info header, file has \(bytes.count) bytes")
        }
        var afterHeader = 14 + h.headerSize
        if h.headerSize == 12 {
            h.width = Int(bytes.u16le(18)!)
            h.height = Int(bytes.u16le(20)!)
            h.bits = Int(bytes.u16le(24)!)
            h.paletteEntrySize = 3
        } else {
            h.width = Int(Int32(bitPattern: bytes.u32le(18)!))
            let rawHeight = Int32(bitPattern: bytes.u32le(22)!)
            h.topDown = rawHeight < 0
            h.height = abs(Int(rawHeight))
            h.bits = Int(bytes.u16le(28)!)
            h.compression = Int(bytes.u32le(30)!)
            h.colors = Int(bytes.u32le(46)!)
            if h.compression == 3 {
                guard let r = bytes.u32le(54), let g = bytes.u32le(58), let b = bytes.u32le(62) else {
                    throw DecodeFailure.truncated(.bmp, "BI_BITFIELDS masks")
                }
                let a = h.headerSize >= 56 ? bytes.u32le(66)! : 0
                h.masks = (r, g, b, a)
                if h.headerSize == 40 { afterHeader += 12 }
            }
        }
        if h.colors == 0 || h.bits > 8 { h.colors = h.bits < 31 ? 1 << h.bits : 0 }
        h.paletteOffset = afterHeader
        if h.bits <= 8 {
            guard h.colors > 0, h.colors <= 65536 else {
                throw DecodeFailure.corrupt(.bmp, "palette size \(h.colors)")
            }
        }
        let paletteBytes = h.bits <= 8 ? h.paletteEntrySize * h.colors : 0
        h.pixelOffset = Int(fileOffset)
        if h.pixelOffset == 14 + h.headerSize && h.bits <= 8 { h.pixelOffset += paletteBytes }
        if h.pixelOffset == 0 { h.pixelOffset = min(afterHeader + paletteBytes, bytes.count) }
        return h
    }

    /// 256 RGB entries for the index values a pixel can hold, and the mode Pillow would report.
    static func colorTable(_ bytes: ByteView, _ h: Header) -> (entries: [UInt8], mode: SourceMode) {
        let stored = max(0, min(h.colors, (bytes.count - h.paletteOffset) / h.paletteEntrySize))
        func entry(_ i: Int) -> (b: UInt8, g: UInt8, r: UInt8)? {
            guard i < stored else { return nil }
            let o = h.paletteOffset + i * h.paletteEntrySize
            return (bytes.u8(o)!, bytes.u8(o + 1)!, bytes.u8(o + 2)!)
        }
        // Pillow's grayscale test: entry i must be (v,v,v) with v = i (or 0, 255 for two colours).
        let levels: [Int] = h.colors == 2 ? [0, 255] : Array(0..<h.colors)
        let isGray = levels.enumerated().allSatisfy { i, level in
            guard let e = entry(i) else { return false }
            let v = UInt8(truncatingIfNeeded: level)
            return e.b == v && e.g == v && e.r == v
        }
        var table = [UInt8](repeating: 0, count: 256 * 3)
        for i in 0..<256 {
            let rgb: (UInt8, UInt8, UInt8)
            if isGray {
                let v: UInt8 = h.colors <= 2 ? (i == 0 ? 0 : 255) : UInt8(i)   // mode "1" or "L"
                rgb = (v, v, v)
            } else if let e = entry(i) {
                rgb = (e.r, e.g, e.b)
            } else {
                rgb = (0, 0, 0)
            }
            table[3 * i] = rgb.0; table[3 * i + 1] = rgb.1; table[3 * i + 2] = rgb.2
        }
        return (table, isGray ? .gray : .palette)
    }

    /// Row stride of uncompressed pixel data: rows pad to 4 bytes.
    static func stride(_ h: Header) -> Int { ((h.width * h.bits + 31) >> 3) & ~3 }

    /// Throws unless the uncompressed rows are all present (the last row needs no padding).
    static func checkRawLength(_ bytes: ByteView, _ h: Header) throws(DecodeFailure) {
        let needed = (h.height - 1) * stride(h) + (h.width * h.bits + 7) / 8
        let available = bytes.count - h.pixelOffset
        guard h.pixelOffset <= bytes.count, available >= needed else {
            throw DecodeFailure.truncated(.bmp, "pixel data needs \(needed) bytes at offset \(h.pixelOffset), file has \(max(0, available))")
        }
    }

    /// Palette indices of an uncompressed 1/2/4/8-bit bitmap, in file row order.
    static func unpackIndices(_ bytes: ByteView, _ h: Header) throws(DecodeFailure) -> [UInt8] {
        try checkRawLength(bytes, h)
        var indices = [UInt8](repeating: 0, count: h.width * h.height)
        let rowStride = stride(h), bits = h.bits
        let perByte = 8 / bits, mask = UInt8((1 << bits) - 1)
        indices.withUnsafeMutableBufferPointer { out in
            for row in 0..<h.height {
                let base = h.pixelOffset + row * rowStride
                for x in 0..<h.width {
                    let byte = bytes.bytes[base + x / perByte]
                    let shift = 8 - bits * (x % perByte + 1)             // most significant first
                    out[row * h.width + x] = (byte >> UInt8(shift)) & mask
                }
            }
        }
        return indices
    }

    /// Maps indices (file row order) through the colour table into a top-down RGB image.
    static func applyTable(_ indices: [UInt8], _ table: [UInt8], _ h: Header) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: h.width * h.height * 3)
        pixels.withUnsafeMutableBufferPointer { out in
            for row in 0..<h.height {
                let y = h.topDown ? row : h.height - 1 - row
                for x in 0..<h.width {
                    let t = Int(indices[row * h.width + x]) * 3
                    let o = (y * h.width + x) * 3
                    out[o] = table[t]; out[o + 1] = table[t + 1]; out[o + 2] = table[t + 2]
                }
            }
        }
        return RGBImage(width: h.width, height: h.height, pixels: pixels)
    }
}
