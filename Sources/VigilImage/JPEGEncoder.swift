import CTurboJPEG
import Foundation

/// Encodes RGB images as baseline JPEG with libturbojpeg (4:2:0 chroma, the given quality).
public enum JPEGEncoder {
    public struct Failure: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "JPEG encoding failed: \(reason)" }
    }

    public static func encode(_ image: RGBImage, quality: Int = 90) throws -> Data {
        guard let handle = tjInitCompress() else { throw Failure(reason: "cannot start libturbojpeg") }
        defer { tjDestroy(handle) }
        var buffer: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            tjCompress2(handle, pixels.baseAddress, Int32(image.width), 0, Int32(image.height), Int32(TJPF_RGB.rawValue),
                        &buffer, &size, Int32(TJSAMP_420.rawValue), Int32(min(max(quality, 1), 100)), 0)
        }
        defer { if let buffer { tjFree(buffer) } }
        guard status == 0, let buffer else {
            throw Failure(reason: String(cString: tjGetErrorStr2(handle)))
        }
        return Data(bytes: buffer, count: Int(size))
    }
}
