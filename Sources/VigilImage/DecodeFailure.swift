/// The error the format decoders throw; `ImageDecoder` adds the image name.
struct DecodeFailure: Error {
    let reason: ImageDecodingError.Reason

    init(_ reason: ImageDecodingError.Reason) { self.reason = reason }

    static func truncated(_ format: ImageFormat, _ detail: String) -> DecodeFailure {
        DecodeFailure(.truncated(format, detail: detail))
    }

    static func corrupt(_ format: ImageFormat, _ detail: String) -> DecodeFailure {
        DecodeFailure(.corrupt(format, detail: detail))
    }

    static func unsupported(_ format: ImageFormat, _ detail: String) -> DecodeFailure {
        DecodeFailure(.unsupported(format, detail: detail))
    }
}
