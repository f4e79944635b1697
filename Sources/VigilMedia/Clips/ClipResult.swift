import Foundation

/// A finished clip: a playable, fast-start MP4 under its final name.
public struct ClipResult: Sendable, Equatable {
    /// How the clip's video was produced.
    public enum Mode: String, Sendable, Equatable {
        /// The source's H.264/H.265 packets, copied without re-encoding.
        case remux
        /// Frames encoded with libx264.
        case encode
    }

    /// The clip file (`….mp4`), complete and synced to disk.
    public var url: URL
    /// The events the clip covers: the one that started it and any that extended it.
    public var eventIDs: [String]
    /// Source-timeline seconds (`Frame.presentationTime`) of the clip's first frame.
    public var startTime: Double
    /// Source-timeline seconds at which the clip's last frame ends.
    public var endTime: Double
    /// Size of the file in bytes.
    public var bytes: Int
    /// The clip's video codec (FFmpeg's name: `h264`, `hevc`).
    public var codec: String
    /// Remux or encode.
    public var mode: Mode
    /// Packets (remux) or frames (encode) written.
    public var samples: Int
    /// Packets or frames lost because the writer fell behind the byte limit (0 when it kept up).
    public var dropped: Int

    /// `endTime - startTime`, in seconds.
    public var duration: Double { endTime - startTime }
}
