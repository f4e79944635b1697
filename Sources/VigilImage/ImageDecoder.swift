import Foundation

/// Decodes JPEG, PNG and BMP files into RGB exactly as Pillow's `Image.open(...).convert("RGB")`.
///
/// The format is sniffed from the magic bytes, never from the name. JPEG goes through
/// TurboJPEG with default settings (ISLOW IDCT, fancy upsampling: bit-identical to Pillow's
/// libjpeg-turbo, models/README §3); PNG through libpng with Pillow's sample conversions; BMP
/// through a decoder of our own that follows Pillow's BmpImagePlugin, RLE4/RLE8 included.
/// EXIF orientation is reported, not applied. Every input yields an image or an
/// `ImageDecodingError`; nothing traps. Stateless and thread-safe.
public enum ImageDecoder {
    /// The default cap on width × height (100 megapixels), checked before any pixel buffer is
    /// allocated so a small file cannot claim gigabytes.
    public static let defaultPixelLimit = 100_000_000

    /// Decodes `data`; `name` only labels errors.
    public static func decode(_ data: Data, name: String,
                              pixelLimit: Int = defaultPixelLimit) throws(ImageDecodingError) -> DecodedImage {
        let result: Result<DecodedImage, DecodeFailure> = data.withUnsafeBytes { raw in
            do throws(DecodeFailure) {
                return .success(try decode(ByteView(bytes: raw), pixelLimit: pixelLimit))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let image): return image
        case .failure(let failure): throw ImageDecodingError(name: name, reason: failure.reason)
        }
    }

    /// The format the leading bytes announce, or nil.
    public static func sniff(_ data: Data) -> ImageFormat? {
        data.withUnsafeBytes { sniff(ByteView(bytes: $0)) }
    }

    static func sniff(_ bytes: ByteView) -> ImageFormat? {
        let b = bytes.bytes
        if b.count >= 3, b[0] == 0xFF, b[1] == 0xD8, b[2] == 0xFF { return .jpeg }
        if b.count >= 8, Array(b[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return .png }
        if b.count >= 2, b[0] == 0x42, b[1] == 0x4D { return .bmp }
        return nil
    }

    static func decode(_ bytes: ByteView, pixelLimit: Int) throws(DecodeFailure) -> DecodedImage {
        guard bytes.count > 0 else { throw DecodeFailure(.emptyData) }
        switch sniff(bytes) {
        case .jpeg: return try JPEGDecoder.decode(bytes, pixelLimit: pixelLimit)
        case .png: return try PNGDecoder.decode(bytes, pixelLimit: pixelLimit)
        case .bmp: return try BMPDecoder.decode(bytes, pixelLimit: pixelLimit)
        case nil: throw DecodeFailure(.unknownFormat(magic: magicDescription(bytes)))
        }
    }

    /// Hex of the first (up to) 8 bytes, plus their text when it is printable ASCII.
    static func magicDescription(_ bytes: ByteView) -> String {
        let head = Array(bytes.bytes.prefix(8))
        let hex = head.map { String(format: "%02x", $0) }.joined(separator: " ")
        if head.allSatisfy({ (0x20...0x7E).contains($0) || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            let text = String(decoding: head, as: UTF8.self)
                .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
                .replacingOccurrences(of: "\t", with: "\\t")
            return "\(hex) \"\(text)\""
        }
        return hex
    }

    /// Throws unless width and height are positive and their product is within `limit`.
    static func checkSize(width: Int, height: Int, limit: Int, format: ImageFormat) throws(DecodeFailure) {
        guard width > 0, height > 0 else {
            throw DecodeFailure.corrupt(format, "image size \(width)×\(height)")
        }
        let (product, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, product <= limit else {
            throw DecodeFailure(.tooLarge(width: width, height: height, limit: limit))
        }
    }
}
