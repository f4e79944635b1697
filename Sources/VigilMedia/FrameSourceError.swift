import CFFmpeg

/// An error of a frame source: what it tried, on which source, and why.
///
/// `source` is always the redacted form (no URL credentials); `reason` is FFmpeg's text for its
/// error code (`av_strerror`) or a sentence of ours. `description` reads
/// "`rtsp://***@cam/live`: cannot open: Connection refused".
public struct FrameSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The source, redacted: a path, a device, or a URL with `***` for its credentials.
    public let source: String
    /// What was being done, e.g. "open", "read a packet", "decode".
    public let operation: String
    /// Why it failed.
    public let reason: String
    /// The FFmpeg error code, when FFmpeg reported the failure.
    public let ffmpegCode: Int32?
    /// True when retrying cannot help (a missing file, a file FFmpeg cannot read): the source
    /// fails instead of reconnecting. Live sources never fail permanently.
    public let isPermanent: Bool

    public init(source: String, operation: String, reason: String, ffmpegCode: Int32? = nil, isPermanent: Bool = false) {
        self.source = source
        self.operation = operation
        self.reason = reason
        self.ffmpegCode = ffmpegCode
        self.isPermanent = isPermanent
    }

    public var description: String { "\(source): cannot \(operation): \(reason)" }

    /// An error for an FFmpeg return code, with FFmpeg's text for it.
    static func ffmpeg(_ code: Int32, source: String, operation: String, isPermanent: Bool = false) -> FrameSourceError {
        FrameSourceError(source: source, operation: operation, reason: ffmpegErrorText(code), ffmpegCode: code, isPermanent: isPermanent)
    }
}

/// FFmpeg's text for an error code (`av_strerror`).
func ffmpegErrorText(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    if av_strerror(code, &buffer, buffer.count) < 0 { return "FFmpeg error \(code)" }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}
