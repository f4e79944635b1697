/// Pillow's `convert("RGB")` for the source modes that are not RGB already.
///
/// Each function mirrors a routine in Pillow's libImaging/Convert.c (or the unpacker that
/// produces that mode), integer for integer, so the bytes match Pillow's.
enum ColorConversion {
    /// "L" -> "RGB": replicate the grey sample (Convert.c `l2rgb`).
    static func grayToRGB(_ gray: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: gray.count * 3)
        out.withUnsafeMutableBufferPointer { dst in
            gray.withUnsafeBufferPointer { src in
                for i in 0..<src.count {
                    let v = src[i]
                    dst[3 * i] = v; dst[3 * i + 1] = v; dst[3 * i + 2] = v
                }
            }
        }
        return out
    }

    /// libjpeg CMYK output (Adobe-inverted, as TurboJPEG hands it over) -> RGB.
    ///
    /// Pillow reads CMYK JPEGs with raw mode "CMYK;I" (it assumes Adobe polarity and inverts
    /// every sample), then `cmyk2rgb`: nk = 255 − K, channel = clip(nk − MULDIV255(C, nk)),
    /// where MULDIV255(a, b) = ((a·b + 128) >> 8 + a·b + 128) >> 8.
    static func adobeCMYKToRGB(_ cmyk: [UInt8]) -> [UInt8] {
        let count = cmyk.count / 4
        var out = [UInt8](repeating: 0, count: count * 3)
        out.withUnsafeMutableBufferPointer { dst in
            cmyk.withUnsafeBufferPointer { src in
                for i in 0..<count {
                    let nk = Int(src[4 * i + 3])          // 255 − (255 − K_raw)
                    for c in 0..<3 {
                        let ink = 255 - Int(src[4 * i + c])
                        let t = ink * nk + 128
                        let scaled = ((t >> 8) + t) >> 8
                        dst[3 * i + c] = UInt8(clamping: nk - scaled)
                    }
                }
            }
        }
        return out
    }
}
