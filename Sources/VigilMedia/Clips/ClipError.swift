import CFFmpeg

/// An error of clip recording: which clip, what was being done, and why.
///
/// `path` is the clip's final path (`….mp4`), also when the failure happened on its `.partial`
/// file; `reason` is FFmpeg's text for its error code (`av_strerror`), the system's text for an
/// errno, or a sentence of ours. `description` reads
/// "clip /var/clips/cam1-42.mp4: cannot write the trailer: No space left on device".
public struct ClipError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The clip's final path.
    public let path: String
    /// What was being done, e.g. "open the output", "write a packet", "open the libx264 encoder".
    public let operation: String
    /// Why it failed.
    public let reason: String
    /// The FFmpeg error code, when FFmpeg reported the failure.
    public let ffmpegCode: Int32?

    public init(path: String, operation: String, reason: String, ffmpegCode: Int32? = nil) {
        self.path = path
        self.operation = operation
        self.reason = reason
        self.ffmpegCode = ffmpegCode
    }

    public var description: String { "clip \(path): cannot \(operation): \(reason)" }

    /// An error for an FFmpeg return code, with FFmpeg's text for it.
    static func ffmpeg(_ code: Int32, path: String, operation: String) -> ClipError {
        ClipError(path: path, operation: operation, reason: ffmpegErrorText(code), ffmpegCode: code)
    }

    /// An error for a failed system call, with the system's text for `errno`.
    static func system(_ errorNumber: Int32, path: String, operation: String) -> ClipError {
        ClipError(path: path, operation: operation, reason: String(cString: strerror(errorNumber)))
    }
}
