/// An 8-bit RGB raster: what every decoder produces and what preprocessing consumes.
///
/// `pixels` holds `width × height × 3` bytes, R G B interleaved, rows top to bottom with no
/// padding (the layout of `np.asarray(pil_image)` for a Pillow "RGB" image). Values are plain
/// 0...255 samples with no colour management applied, as Pillow leaves them.
public struct RGBImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// `height` rows of `width × 3` bytes, RGB interleaved.
    public var pixels: [UInt8]

    /// Wraps existing RGB bytes; `pixels.count` must be `width × height × 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "an RGBImage needs a positive size, got \(width)×\(height)")
        precondition(pixels.count == width * height * 3,
                     "\(width)×\(height) RGB needs \(width * height * 3) bytes, got \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A black image of the given size.
    public init(width: Int, height: Int) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: 0, count: width * height * 3))
    }

    /// The offset of pixel (x, y)'s red byte in `pixels`.
    @inlinable
    public func offset(x: Int, y: Int) -> Int { (y * width + x) * 3 }

    /// The (r, g, b) triple at (x, y); for tests and tools, not inner loops.
    public subscript(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        let i = offset(x: x, y: y)
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }
}
