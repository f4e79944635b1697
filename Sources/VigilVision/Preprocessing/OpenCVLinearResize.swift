import VigilImage

/// `cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR)` on 8-bit images: the
/// resize AutoML's YOLO `letterbox` runs (see `Letterbox`).
///
/// It follows the fixed-point path of OpenCV's `resize.cpp` (`INTER_RESIZE_COEF_BITS` = 11) for
/// `CV_8U`. Per axis, with `scale = 1 / (output / source)` in double and output index d:
///
///     f = float((d + 0.5) · scale − 0.5);  s = floor(f);  f −= s           (float32)
///     s < 0      → s = 0,     f = 0
///     s ≥ n − 1  → s = n − 1, f = 0
///     weights = (round((1 − f) · 2048), round(f · 2048))    short, half to even
///
/// then a horizontal pass into ints, `D = S[s]·a0 + S[s+1]·a1`, and a vertical pass to bytes,
/// `(((b0·(D0 >> 4)) >> 16) + ((b1·(D1 >> 4)) >> 16) + 2) >> 2`. There is no antialiasing on
/// downscales, as in OpenCV. OpenCV switches an exact 2× downscale to `INTER_AREA`; on 8-bit data
/// that gives the same bytes as this formula ((a + b + c + d + 2) >> 2), so it needs no case.
/// Checked byte for byte against cv2 4.14 and 5.0 (Tests/Goldens/opencv-resize).
enum OpenCVLinearResize {
    /// One output index's two source taps and their fixed-point weights (1.0 = 2048).
    struct Tap {
        var first: Int
        var second: Int
        var w0: Int
        var w1: Int
    }

    /// Taps for `output` samples taken from `source` samples; `clampWeights` for columns, not rows.
    static func taps(output: Int, source: Int, clampWeights: Bool = true) -> [Tap] {
        let scale = 1.0 / (Double(output) / Double(source))
        return (0..<output).map { d in
            var f = Float((Double(d) + 0.5) * scale - 0.5)
            var s = Int(f.rounded(.down))
            f -= Float(s)
            if clampWeights {
                if s < 0 { s = 0; f = 0 }
                if s >= source - 1 { s = source - 1; f = 0 }
            }
            let w0 = Int(((1 - f) * 2048).rounded(.toNearestOrEven))
            let w1 = Int((f * 2048).rounded(.toNearestOrEven))
            return Tap(first: min(max(s, 0), source - 1), second: min(max(s + 1, 0), source - 1), w0: w0, w1: w1)
        }
    }

    static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        precondition(width > 0 && height > 0, "resize to an empty image")
        let columns = taps(output: width, source: image.width)
        let rows = taps(output: height, source: image.height, clampWeights: false)
        var output = [UInt8](repeating: 0, count: width * height * 3)
        // Horizontally resampled source rows (width × 3 ints each), kept while consecutive
        // output rows share them.
        var upper = [Int](repeating: 0, count: width * 3), lower = upper
        var upperRow = -1, lowerRow = -1
        image.pixels.withUnsafeBufferPointer { pixels in
            func horizontal(_ row: Int, into buffer: inout [Int]) {
                let base = row * image.width * 3
                for x in 0..<width {
                    let tap = columns[x]
                    let p0 = base + tap.first * 3, p1 = base + tap.second * 3
                    for c in 0..<3 {
                        buffer[x * 3 + c] = Int(pixels[p0 + c]) * tap.w0 + Int(pixels[p1 + c]) * tap.w1
                    }
                }
            }
            for y in 0..<height {
                let tap = rows[y]
                if tap.first != upperRow {
                    if tap.first == lowerRow { swap(&upper, &lower); upperRow = lowerRow; lowerRow = -1 }
                    else { horizontal(tap.first, into: &upper); upperRow = tap.first }
                }
                if tap.second != lowerRow {
                    if tap.second == upperRow { lower = upper } else { horizontal(tap.second, into: &lower) }
                    lowerRow = tap.second
                }
                let b0 = tap.w0, b1 = tap.w1
                let base = y * width * 3
                for i in 0..<(width * 3) {
                    let value = (((b0 * (upper[i] >> 4)) >> 16) + ((b1 * (lower[i] >> 4)) >> 16) + 2) >> 2
                    output[base + i] = UInt8(truncatingIfNeeded: value)
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: output)
    }
}
