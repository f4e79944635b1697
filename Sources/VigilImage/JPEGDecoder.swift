import CTurboJPEG

/// JPEG through TurboJPEG, configured to match Pillow's libjpeg-turbo bit for bit.
///
/// Flags: none of FASTDCT/FASTUPSAMPLE (Pillow uses ISLOW and fancy upsampling); only
/// TJFLAG_LIMITSCANS, which rejects progressive files with more than 500 scans (a CPU bomb
/// guard that does not change any pixel of a legitimate image). Grayscale files decode as GRAY
/// and are replicated to RGB; CMYK/YCCK files decode as CMYK and convert as Pillow does.
enum JPEGDecoder {
    static func decode(_ bytes: ByteView, pixelLimit: Int) throws(DecodeFailure) -> DecodedImage {
        guard let handle = tjInitDecompress() else {
            throw DecodeFailure.corrupt(.jpeg, "cannot create a TurboJPEG decompressor")
        }
        defer { tjDestroy(handle) }
        let source = bytes.bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let size = UInt(bytes.count)

        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        if tjDecompressHeader3(handle, source, size, &width, &height, &subsampling, &colorspace) != 0 {
            throw failure(handle, bytes)
        }
        if width <= 0 || height <= 0 {
            // libjpeg stops at an EOI (its own, inserted when the data runs out: then it has
            // warned) without failing when no frame header came first. Without a warning the
            // error text is a stale thread-global one, so it is not consulted.
            if tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue) { throw failure(handle, bytes) }
            throw DecodeFailure.corrupt(.jpeg, "no frame header (SOF marker) before the end of the image")
        }
        try ImageDecoder.checkSize(width: Int(width), height: Int(height), limit: pixelLimit, format: .jpeg)
        let count = Int(width) * Int(height)

        let mode: SourceMode
        let pixelFormat: TJPF
        switch colorspace {
        case Int32(TJCS_GRAY.rawValue): mode = .gray; pixelFormat = TJPF_GRAY
        case Int32(TJCS_CMYK.rawValue), Int32(TJCS_YCCK.rawValue): mode = .cmyk; pixelFormat = TJPF_CMYK
        default: mode = .rgb; pixelFormat = TJPF_RGB
        }
        let samples = mode == .gray ? 1 : mode == .cmyk ? 4 : 3
        // Not zero-filled first (a megabyte of memset per VGA frame): libjpeg writes every
        // scanline unless it fails, and a failure below throws the buffer away.
        var status: Int32 = 0
        let decoded = [UInt8](unsafeUninitializedCapacity: count * samples) { out, initialized in
            status = tjDecompress2(handle, source, size, out.baseAddress, width, 0, height,
                                   Int32(pixelFormat.rawValue), TJFLAG_LIMITSCANS)
            initialized = count * samples
        }
        if status != 0 {
            // libjpeg warnings (e.g. "Corrupt JPEG data: 3 extraneous bytes") leave a complete
            // image, and Pillow ignores them; running out of data is an error in Pillow too.
            let message = errorText(handle)
            let isWarning = tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue)
            if !isWarning || message.contains("Premature end") { throw failure(handle, bytes) }
        }

        let rgb: [UInt8]
        switch mode {
        case .gray: rgb = ColorConversion.grayToRGB(decoded)
        case .cmyk: rgb = ColorConversion.adobeCMYKToRGB(decoded)
        default: rgb = decoded
        }
        let image = RGBImage(width: Int(width), height: Int(height), pixels: rgb)
        let orientation = JPEGMetadata.exifOrientation(bytes)
        return DecodedImage(image: image, format: .jpeg, sourceMode: mode, exifOrientation: orientation)
    }

    private static func errorText(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "unknown TurboJPEG error" }
        return String(cString: text)
    }

    /// libjpeg's message, classed as truncation when libjpeg ran out of data or the file does
    /// not end with an EOI marker (a cut file often fails on a table first, e.g. "missing SOS").
    private static func failure(_ handle: tjhandle, _ bytes: ByteView) -> DecodeFailure {
        let message = errorText(handle)
        let b = bytes.bytes
        let endsWithEOI = b.count >= 2 && b[b.count - 2] == 0xFF && b[b.count - 1] == 0xD9
        if message.contains("Premature end") || !endsWithEOI { return .truncated(.jpeg, message) }
        return .corrupt(.jpeg, message)
    }
}
