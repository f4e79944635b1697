import VigilImage

/// A literal transliteration of the seed's per-pixel resampler (`square_resize_256_loop` +
/// `centre_crop` in shared/tools/cv_preprocess.py): the naive twin the optimised
/// `Preprocessor` path is checked against on shapes the real samples do not cover.
enum SeedPipelineTwin {
    /// H×W×3 BGR float32 crop of `size`, after the 256 square step, from an already capped RGB image.
    static func squareCrop(_ image: RGBImage, size: Int) -> [Float] {
        let h = image.height, w = image.width, out = 256
        let ratio: Double
        let xOrigin: Int, yOrigin: Int
        if w > h {
            ratio = Double(h) / Double(out); xOrigin = Int(0.5 * (Double(w) - ratio * Double(out))); yOrigin = 0
        } else if w < h {
            ratio = Double(w) / Double(out); xOrigin = 0; yOrigin = Int(0.5 * (Double(h) - ratio * Double(out)))
        } else {
            ratio = Double(h) / Double(out); xOrigin = 0; yOrigin = 0
        }
        func taps(_ i: Int, _ origin: Int, _ n: Int) -> (Int, Int, Double) {
            let pos = (Double(i) + 0.5) * ratio - 0.5
            var k = Int(pos)
            let f = pos - Double(k)
            k += origin
            if k < 0 { return (0, 0, 0.0) }
            if k >= n - 1 { return (n - 1, n - 1, 0.0) }
            return (k, k + 1, f)
        }
        func bgr(_ x: Int, _ y: Int, _ c: Int) -> Double { Double(image.pixels[(y * w + x) * 3 + (2 - c)]) }
        var square = [Float](repeating: 0, count: out * out * 3)
        for y in 0..<out {
            let (y0, y1, fy) = taps(y, yOrigin, h)
            for x in 0..<out {
                let (x0, x1, fx) = taps(x, xOrigin, w)
                for c in 0..<3 {
                    let bottom = fx * bgr(x1, y0, c) + (1.0 - fx) * bgr(x0, y0, c)
                    let top = fx * bgr(x1, y1, c) + (1.0 - fx) * bgr(x0, y1, c)
                    square[(y * out + x) * 3 + c] = Float(fy * top + (1.0 - fy) * bottom)
                }
            }
        }
        let start = max(0, out / 2 - size / 2)
        var crop: [Float] = []
        for y in start..<(start + size) {
            for x in start..<(start + size) {
                for c in 0..<3 { crop.append(square[(y * out + x) * 3 + c]) }
            }
        }
        return crop
    }
}
