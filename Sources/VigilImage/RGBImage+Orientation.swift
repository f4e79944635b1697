/// Flips, transposition and EXIF orientation (Pillow's `Image.transpose` operations).
extension RGBImage {
    /// Swaps x and y (Pillow `Transpose.TRANSPOSE`): a `height × width` image.
    public func transposed() -> RGBImage {
        remapped(transpose: true, flipTopBottom: false, flipLeftRight: false)
    }

    /// Reverses the row order (Pillow `Transpose.FLIP_TOP_BOTTOM`).
    public func flippedTopBottom() -> RGBImage {
        remapped(transpose: false, flipTopBottom: true, flipLeftRight: false)
    }

    /// Reverses each row (Pillow `Transpose.FLIP_LEFT_RIGHT`).
    public func flippedLeftRight() -> RGBImage {
        remapped(transpose: false, flipTopBottom: false, flipLeftRight: true)
    }

    /// Applies an EXIF orientation value the way the Custom Vision seed does (models/README §3):
    /// with o = orientation − 1, transpose if o ≥ 4, then flip top↔bottom if o ∈ {2,3,6,7},
    /// then flip left↔right if o ∈ {1,2,5,6}.
    ///
    /// For 1...8 this is the standard EXIF mapping (Pillow's `ImageOps.exif_transpose`); values
    /// outside are not rejected: 0 and negatives do nothing, 9 and above transpose, which is
    /// what the seed does with them. The three steps are fused into one pass (one allocation);
    /// an orientation that changes nothing returns the image itself.
    public func oriented(exifOrientation orientation: Int) -> RGBImage {
        let o = orientation - 1
        let transpose = o >= 4
        let flipTopBottom = [2, 3, 6, 7].contains(o)
        let flipLeftRight = [1, 2, 5, 6].contains(o)
        guard transpose || flipTopBottom || flipLeftRight else { return self }
        return remapped(transpose: transpose, flipTopBottom: flipTopBottom, flipLeftRight: flipLeftRight)
    }

    /// Transpose (optional), then the flips (optional), in one pass over the output.
    private func remapped(transpose: Bool, flipTopBottom: Bool, flipLeftRight: Bool) -> RGBImage {
        let outWidth = transpose ? height : width
        let outHeight = transpose ? width : height
        var out = [UInt8](repeating: 0, count: pixels.count)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<outHeight {
                    let yt = flipTopBottom ? outHeight - 1 - y : y          // before the flip
                    for x in 0..<outWidth {
                        let xt = flipLeftRight ? outWidth - 1 - x : x
                        let (sx, sy) = transpose ? (yt, xt) : (xt, yt)      // before the transpose
                        let s = (sy * width + sx) * 3, d = (y * outWidth + x) * 3
                        dst[d] = src[s]; dst[d + 1] = src[s + 1]; dst[d + 2] = src[s + 2]
                    }
                }
            }
        }
        return RGBImage(width: outWidth, height: outHeight, pixels: out)
    }
}
