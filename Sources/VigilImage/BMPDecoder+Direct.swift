/// 16-, 24- and 32-bit BMPs: pixels stored as colour values, optionally described by BI_BITFIELDS.
extension BMPDecoder {
    /// One colour channel of a packed pixel: a contiguous bit mask scaled to 0...255 as Pillow's
    /// unpackers do (`v * 255 / max`, truncating; 8-bit channels pass through).
    struct Channel {
        let mask: UInt32
        let shift: UInt32
        let maximum: UInt32

        init?(mask: UInt32) {
            self.mask = mask
            shift = mask == 0 ? 0 : UInt32(mask.trailingZeroBitCount)
            let field = mask >> shift
            guard field & (field &+ 1) == 0 else { return nil }          // not contiguous
            maximum = field
        }

        @inline(__always)
        func value(_ pixel: UInt32) -> UInt8 {
            guard maximum != 0 else { return 0 }
            let v = (pixel & mask) >> shift
            return maximum == 255 ? UInt8(v) : UInt8(UInt64(v) * 255 / UInt64(maximum))
        }
    }

    static func decodeDirect(_ bytes: ByteView, _ h: Header) throws(DecodeFailure) -> DecodedImage {
        var masks = h.masks
        var mode = SourceMode.rgb
        if h.compression == 0 || (masks.r == 0 && masks.g == 0 && masks.b == 0) {
            // Pillow's defaults: "BGR;15" for 16-bit, "BGR"/"BGRX" for 24/32-bit (all-zero
            // 32-bit masks read as "BGRA").
            let alphaDefault = h.compression == 3 && h.bits == 32 && masks.a == 0
            masks = h.bits == 16 ? (0x7C00, 0x3E0, 0x1F, 0) : (0xFF0000, 0xFF00, 0xFF, alphaDefault ? 0xFF00_0000 : 0)
        }
        if masks.a != 0 && h.compression == 3 { mode = .rgba }
        guard let red = Channel(mask: masks.r), let green = Channel(mask: masks.g), let blue = Channel(mask: masks.b) else {
            throw DecodeFailure.unsupported(.bmp, String(format: "non-contiguous bitfield masks %08x %08x %08x", masks.r, masks.g, masks.b))
        }
        try checkRawLength(bytes, h)

        let bytesPerPixel = h.bits / 8, rowStride = stride(h)
        var pixels = [UInt8](repeating: 0, count: h.width * h.height * 3)
        pixels.withUnsafeMutableBufferPointer { out in
            for row in 0..<h.height {
                let y = h.topDown ? row : h.height - 1 - row
                let source = bytes.bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + h.pixelOffset + row * rowStride
                let target = out.baseAddress! + y * h.width * 3
                for x in 0..<h.width {
                    let p = source + x * bytesPerPixel
                    var packed = UInt32(p[0]) | UInt32(p[1]) << 8
                    if bytesPerPixel >= 3 { packed |= UInt32(p[2]) << 16 }
                    if bytesPerPixel == 4 { packed |= UInt32(p[3]) << 24 }
                    target[3 * x] = red.value(packed)
                    target[3 * x + 1] = green.value(packed)
                    target[3 * x + 2] = blue.value(packed)
                }
            }
        }
        return DecodedImage(image: RGBImage(width: h.width, height: h.height, pixels: pixels), format: .bmp, sourceMode: mode)
    }
}
