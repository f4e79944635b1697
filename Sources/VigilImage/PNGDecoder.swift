import CPNG

/// PNG through libpng, with the sample conversions of Pillow's PngImagePlugin + `convert("RGB")`.
///
/// libpng only unpacks sub-byte samples and de-interlaces (see the CPNG shim, which keeps
/// libpng's longjmp-based errors inside C). The rest follows Pillow:
/// * grey 1/2/4-bit: scaled to 0...255 (×255, ×85, ×17); grey 16-bit opens as "I;16" and
///   converts by clipping (values above 255 become 255), not by taking the high byte;
/// * RGB, RGBA and grey+alpha 16-bit: the high byte;
/// * alpha is dropped without compositing; tRNS is ignored;
/// * palette indices beyond the PLTE entries give black.
/// Gamma, colour profiles and sBIT are ignored, as Pillow ignores them. The EXIF orientation
/// comes from the eXIf chunk (`PNGMetadata`).
enum PNGDecoder {
    static func decode(_ bytes: ByteView, pixelLimit: Int) throws(DecodeFailure) -> DecodedImage {
        let reader = UnsafeMutablePointer<vigil_png_reader>.allocate(capacity: 1)
        defer {
            vigil_png_destroy(reader)
            reader.deallocate()
        }
        guard vigil_png_create(reader, bytes.bytes.baseAddress, bytes.count) == 0 else { throw failure(reader) }
        guard vigil_png_read_info(reader) == 0 else { throw failure(reader) }
        let width = Int(reader.pointee.width), height = Int(reader.pointee.height)
        try ImageDecoder.checkSize(width: width, height: height, limit: pixelLimit, format: .png)
        guard vigil_png_prepare(reader) == 0 else { throw failure(reader) }

        let colorType = Int(reader.pointee.color_type)
        let depth = Int(reader.pointee.bit_depth)
        let rowBytes = reader.pointee.row_bytes
        let mode: SourceMode
        switch colorType {
        case 0: mode = .gray
        case 2: mode = .rgb
        case 3: mode = .palette
        case 4: mode = .grayAlpha
        case 6: mode = .rgba
        default: throw DecodeFailure.unsupported(.png, "colour type \(colorType)")
        }

        // 8-bit RGB is already the output layout: read straight into it.
        if colorType == 2 && depth == 8 {
            var pixels = [UInt8](repeating: 0, count: width * height * 3)
            precondition(rowBytes == width * 3)
            try readRows(reader, into: &pixels, rowBytes: rowBytes, height: height)
            return DecodedImage(image: RGBImage(width: width, height: height, pixels: pixels), format: .png, sourceMode: mode,
                                exifOrientation: PNGMetadata.exifOrientation(bytes))
        }

        var raw = [UInt8](repeating: 0, count: rowBytes * height)
        try readRows(reader, into: &raw, rowBytes: rowBytes, height: height)
        let channels = Int(reader.pointee.channels)
        var palette = [UInt8](repeating: 0, count: 256 * 3)         // missing entries stay black
        withUnsafeBytes(of: reader.pointee.palette) { entries in
            for i in 0..<(Int(reader.pointee.palette_count) * 3) { palette[i] = entries[i] }
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        raw.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    let row = src.baseAddress! + y * rowBytes
                    let out = dst.baseAddress! + y * width * 3
                    for x in 0..<width {
                        let (r, g, b) = sample(row, x: x, channels: channels, depth: depth,
                                               colorType: colorType, palette: palette)
                        out[3 * x] = r; out[3 * x + 1] = g; out[3 * x + 2] = b
                    }
                }
            }
        }
        return DecodedImage(image: RGBImage(width: width, height: height, pixels: pixels), format: .png, sourceMode: mode,
                            exifOrientation: PNGMetadata.exifOrientation(bytes))
    }

    /// The RGB of pixel `x` in an unpacked libpng row (16-bit samples big-endian).
    @inline(__always)
    private static func sample(_ row: UnsafePointer<UInt8>, x: Int, channels: Int, depth: Int,
                               colorType: Int, palette: [UInt8]) -> (UInt8, UInt8, UInt8) {
        if depth == 16 {
            let p = row + 2 * channels * x
            switch colorType {
            case 0:                                                   // "I;16" -> RGB clips
                let v = p[0] == 0 ? p[1] : 255
                return (v, v, v)
            case 4: return (p[0], p[0], p[0])
            default: return (p[0], p[2], p[4])
            }
        }
        let p = row + channels * x
        switch colorType {
        case 0:
            let v = p[0]
            switch depth {
            case 1: return v == 0 ? (0, 0, 0) : (255, 255, 255)
            case 2: return (v &* 85, v &* 85, v &* 85)
            case 4: return (v &* 17, v &* 17, v &* 17)
            default: return (v, v, v)
            }
        case 3:
            let i = Int(p[0]) * 3
            return (palette[i], palette[i + 1], palette[i + 2])
        case 4: return (p[0], p[0], p[0])
        default: return (p[0], p[1], p[2])
        }
    }

    private static func readRows(_ reader: UnsafeMutablePointer<vigil_png_reader>, into buffer: inout [UInt8],
                                 rowBytes: Int, height: Int) throws(DecodeFailure) {
        let status = buffer.withUnsafeMutableBufferPointer { out -> Int32 in
            var rows = (0..<height).map { Optional(out.baseAddress! + $0 * rowBytes) }
            return rows.withUnsafeMutableBufferPointer { vigil_png_read_rows(reader, $0.baseAddress) }
        }
        guard status == 0 else { throw failure(reader) }
    }

    private static func failure(_ reader: UnsafeMutablePointer<vigil_png_reader>) -> DecodeFailure {
        let message = withUnsafeBytes(of: reader.pointee.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if message == "unexpected end of data" { return .truncated(.png, message) }
        return .corrupt(.png, message.isEmpty ? "unknown libpng error" : message)
    }
}
