/// A decoded still image plus the facts about its source that preprocessing depends on.
///
/// The seed service converts every image to RGB first, and whether it then honours EXIF
/// orientation depends on the file's format and original mode (models/README §3 step 2), so
/// the decoder reports both instead of applying the orientation itself.
public struct DecodedImage: Sendable, Equatable {
    /// The pixels, converted to RGB as Pillow's `convert("RGB")` does; orientation not applied.
    public var image: RGBImage
    public var format: ImageFormat
    /// The colour model stored in the file, before conversion to RGB.
    public var sourceMode: SourceMode
    /// EXIF tag 0x0112 exactly as stored (not range-checked): from a JPEG's APP1 Exif segment
    /// (or its XMP packet, as Pillow falls back to) or a PNG's eXIf chunk; nil when the file
    /// has none. BMP files always report nil.
    public var exifOrientation: Int?

    public init(image: RGBImage, format: ImageFormat, sourceMode: SourceMode, exifOrientation: Int? = nil) {
        self.image = image
        self.format = format
        self.sourceMode = sourceMode
        self.exifOrientation = exifOrientation
    }
}

/// The container format, sniffed from the file's magic bytes.
public enum ImageFormat: String, Sendable, Hashable, CustomStringConvertible {
    case jpeg
    case png
    case bmp

    public var description: String { rawValue.uppercased() }
}

/// The colour model of the stored samples (Pillow's image mode after `Image.open`).
public enum SourceMode: String, Sendable, Hashable {
    /// Three colour samples per pixel (Pillow "RGB"; also BMP 16/24/32-bit without alpha).
    case rgb
    /// One grey sample per pixel (Pillow "L", "1", or 16-bit "I;16").
    case gray
    /// Grey plus alpha (PNG colour type 4).
    case grayAlpha
    /// Indices into a colour table (PNG colour type 3, BMP 1/2/4/8-bit).
    case palette
    /// Colour plus alpha (PNG colour type 6, BMP 32-bit with an alpha mask).
    case rgba
    /// Four ink samples (CMYK or YCCK JPEG).
    case cmyk
}
