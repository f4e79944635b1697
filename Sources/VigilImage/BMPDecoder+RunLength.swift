/// BI_RLE8 and BI_RLE4: run-length coded palette indices, decoded as Pillow's BmpRleDecoder.
///
/// Spec: https://learn.microsoft.com/windows/win32/gdi/bitmap-compression. Pillow's reading,
/// which the seed's results depend on (the plankton samples are RLE4):
/// * an encoded run never crosses the row end (it is cut at the row's last pixel);
/// * end of line pads the current row with index 0; delta skips (dx + dy·width) pixels;
/// * an absolute run is not cut at the row end; RLE4 absolute runs take ⌈n/2⌉ bytes and the
///   run is followed by padding to an even *file* offset;
/// * decoding stops when width × height indices exist.
extension BMPDecoder {
    static func runLengthIndices(_ bytes: ByteView, _ h: Header, fourBit: Bool) throws(DecodeFailure) -> [UInt8] {
        let width = h.width, total = h.width * h.height
        var indices = [UInt8](repeating: 0, count: total)
        var filled = 0        // indices produced so far (Pillow's len(data))
        var x = 0             // Pillow's column counter (may exceed width after absolute runs)
        var at = h.pixelOffset
        let b = bytes.bytes
        func truncated(_ what: String) -> DecodeFailure {
            .truncated(.bmp, "\(fourBit ? "RLE4" : "RLE8") data ends in \(what) after \(filled) of \(total) pixels")
        }
        try indices.withUnsafeMutableBufferPointer { (out: inout UnsafeMutableBufferPointer<UInt8>) throws(DecodeFailure) in
            func append(_ value: UInt8) {
                if filled < total { out[filled] = value }
                filled += 1
            }
            decoding: while filled < total {
                guard at + 1 < b.count else { throw truncated("a run header") }
                let count = Int(b[at]), value = b[at + 1]
                at += 2
                if count > 0 {                                             // encoded run
                    let n = x + count > width ? max(0, width - x) : count
                    if fourBit {
                        for i in 0..<n { append(i % 2 == 0 ? value >> 4 : value & 0x0F) }
                    } else {
                        for _ in 0..<n { append(value) }
                    }
                    x += n
                    continue
                }
                switch value {
                case 0:                                                    // end of line
                    while filled % width != 0 { append(0) }
                    x = 0
                case 1:                                                    // end of bitmap
                    break decoding
                case 2:                                                    // delta
                    guard at + 1 < b.count else { throw truncated("a delta") }
                    let skip = min(total - filled, Int(b[at]) + Int(b[at + 1]) * width)
                    at += 2
                    filled += skip
                    x = filled % width
                default:                                                   // absolute run
                    let n = min(total - filled, Int(value))
                    let byteCount = fourBit ? (n + 1) / 2 : n
                    let available = min(byteCount, b.count - at)
                    for i in 0..<available {
                        let byte = b[at + i]
                        if fourBit {
                            append(byte >> 4)
                            if i * 2 + 1 < n { append(byte & 0x0F) }
                        } else {
                            append(byte)
                        }
                    }
                    at += available
                    if available < byteCount { throw truncated("an absolute run") }
                    if filled >= total { break decoding }
                    x += Int(value)
                    if at % 2 != 0 { at += 1 }
                }
            }
        }
        return indices
    }
}
