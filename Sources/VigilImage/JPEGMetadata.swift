/// Reads the EXIF orientation of a JPEG the way Pillow's `_getexif()` sees it.
///
/// Pillow collects every APP1 segment that starts with "Exif\0\0" before the first SOS
/// (later ones appended without their 6-byte prefix), parses IFD0 of the embedded TIFF, and,
/// only when IFD0 has no orientation tag, falls back to `tiff:Orientation` in an XMP APP1
/// packet. Malformed or missing EXIF yields nil (no rotation) rather than an error: the
/// pixels are still good. Spec: EXIF 2.32 §4.5.4 (APP1), TIFF 6.0 §2 (IFD layout).
enum JPEGMetadata {
    static let orientationTag: UInt16 = 0x0112

    static func exifOrientation(_ bytes: ByteView) -> Int? {
        var exif: [UInt8]? = nil
        var xmp: [UInt8]? = nil
        forEachSegmentBeforeScan(bytes) { marker, payload in
            guard marker == 0xE1 else { return }
            if payload.starts(with: exifPrefix) {
                if exif == nil { exif = Array(payload) } else { exif!.append(contentsOf: payload.dropFirst(6)) }
            } else if payload.starts(with: xmpPrefix) {
                xmp = Array(payload.dropFirst(xmpPrefix.count))
            }
        }
        guard var tiff = exif else { return nil }
        while tiff.starts(with: exifPrefix) { tiff.removeFirst(6) }
        if let value = TIFFDirectory.integerTag(orientationTag, inFirstIFDOf: tiff) { return value }
        if let xmp { return xmpOrientation(xmp) }
        return nil
    }

    private static let exifPrefix: [UInt8] = Array("Exif\0\0".utf8)
    private static let xmpPrefix: [UInt8] = Array("http://ns.adobe.com/xap/1.0/\0".utf8)

    /// Calls `body` with each marker segment's code and payload, from SOI up to SOS or EOI.
    static func forEachSegmentBeforeScan(_ bytes: ByteView, _ body: (UInt8, UnsafeRawBufferPointer.SubSequence) -> Void) {
        let b = bytes.bytes
        var i = 2
        while i + 1 < b.count {
            guard b[i] == 0xFF else { i += 1; continue }            // junk, skipped as Pillow does
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }                  // fill byte
            if marker == 0x00 { i += 2; continue }                  // stuffed 0xFF00
            if marker == 0xD9 || marker == 0xDA { return }          // EOI, SOS
            if marker == 0x01 || (0xD0...0xD8).contains(marker) { i += 2; continue }  // no length
            guard let length = bytes.u16le(i + 2)?.byteSwapped, length >= 2 else { return }
            let end = i + 2 + Int(length)
            guard end <= b.count else { return }
            body(marker, b[(i + 4)..<end])
            i = end
        }
    }

    /// Pillow's fallback: the first match of the regex `tiff:Orientation(="|>)([0-9])`.
    static func xmpOrientation(_ xmp: [UInt8]) -> Int? {
        let key = Array("tiff:Orientation".utf8)
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        var i = 0
        while i + key.count < xmp.count {
            defer { i += 1 }
            guard xmp[i...].starts(with: key) else { continue }
            var j = i + key.count
            if xmp[j] == UInt8(ascii: "=") {
                j += 1
                guard j < xmp.count, xmp[j] == UInt8(ascii: "\"") else { continue }
            } else if xmp[j] != UInt8(ascii: ">") {
                continue
            }
            j += 1
            if j < xmp.count, digits.contains(xmp[j]) { return Int(xmp[j] - UInt8(ascii: "0")) }
        }
        return nil
    }
}
