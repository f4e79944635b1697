/// Why an image could not be decoded: the image's name and what was wrong with it.
///
/// Library code never prints; callers log `description`, which names the image, e.g.
/// `cat.jpg: truncated JPEG data (Premature end of JPEG file)`.
public struct ImageDecodingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, without the image name.
    public enum Reason: Sendable, Equatable {
        /// Zero bytes were supplied.
        case emptyData
        /// The leading bytes match no supported format; `magic` is their hex dump.
        case unknownFormat(magic: String)
        /// The data ends before the image does.
        case truncated(ImageFormat, detail: String)
        /// The data is malformed; `detail` is the codec's own message where there is one.
        case corrupt(ImageFormat, detail: String)
        /// A valid file using a feature this decoder does not implement.
        case unsupported(ImageFormat, detail: String)
        /// Width × height exceeds the decoder's pixel limit (a guard against memory bombs).
        case tooLarge(width: Int, height: Int, limit: Int)
    }

    /// The name the caller gave the image (a file name, an upload's field name, ...).
    public let name: String
    public let reason: Reason

    public init(name: String, reason: Reason) {
        self.name = name
        self.reason = reason
    }

    /// What was wrong, without the image's name.
    public var reasonDescription: String {
        switch reason {
        case .emptyData:
            return "no image data (0 bytes)"
        case .unknownFormat(let magic):
            return "not a JPEG, PNG or BMP image (first bytes: \(magic))"
        case .truncated(let format, let detail):
            return "truncated \(format) data (\(detail))"
        case .corrupt(let format, let detail):
            return "corrupt \(format) data (\(detail))"
        case .unsupported(let format, let detail):
            return "unsupported \(format) variant (\(detail))"
        case .tooLarge(let width, let height, let limit):
            return "image is \(width)×\(height) pixels, more than the limit of \(limit) pixels"
        }
    }

    public var description: String { "\(name): \(reasonDescription)" }
}
