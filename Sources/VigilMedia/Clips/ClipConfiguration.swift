/// How a `ClipRecorder` records: how much video before and after an event, how much memory the
/// pre-roll may take, and how non-H.264/H.265 sources are encoded.
public struct ClipConfiguration: Sendable, Equatable {
    /// How the recorder writes a clip.
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// Remux for H.264 and H.265 sources, encode for every other codec (MJPEG, raw V4L2).
        case automatic
        /// Copy the source's encoded packets into the MP4 without decoding (H.264/H.265 only).
        case remux
        /// Encode the RGB frames the caller appends with libx264.
        case encode
    }

    /// libx264 settings of encode mode.
    public struct Encoder: Sendable, Equatable {
        /// x264 preset. Default `veryfast`: about a tenth of a core for 640x480 at 25 fps.
        public var preset: String
        /// x264 constant rate factor (0–51, lower is better). Default 23.
        public var crf: Int
        /// Encoder threads. Default 1: the cores belong to inference; a clip is short.
        public var threads: Int
        /// Frame rate used for the GOP length (one keyframe a second) when the stream states none.
        /// Default 25.
        public var fallbackFrameRate: Double

        public init(preset: String = "veryfast", crf: Int = 23, threads: Int = 1, fallbackFrameRate: Double = 25) {
            precondition((0...51).contains(crf), "crf must be in 0...51")
            precondition(threads >= 1, "threads must be at least 1")
            precondition(fallbackFrameRate > 0, "fallbackFrameRate must be positive")
            self.preset = preset
            self.crf = crf
            self.threads = threads
            self.fallbackFrameRate = fallbackFrameRate
        }
    }

    /// The longest pre-roll accepted, in seconds.
    public static let maximumPreRoll = 60.0

    /// Seconds of video kept before an event's start. Default 5, at most 60. The clip starts on
    /// the last keyframe at or before `start - preRoll`, so it may hold up to one GOP more.
    public var preRoll: Double
    /// Seconds recorded after an event's end. Default 5.
    public var postRoll: Double
    /// Most bytes the pre-roll buffer may hold (encoded packets in remux mode, RGB frames in encode
    /// mode); past it the oldest GOPs (frames) are dropped. Default 64 MiB.
    public var bufferByteLimit: Int
    /// Remux, encode, or choose from the source's codec. Default `.automatic`.
    public var mode: Mode
    /// libx264 settings for encode mode. Default `Encoder()`.
    public var encoder: Encoder

    public init(preRoll: Double = 5, postRoll: Double = 5, bufferByteLimit: Int = 64 << 20,
                mode: Mode = .automatic, encoder: Encoder = Encoder()) {
        precondition((0...Self.maximumPreRoll).contains(preRoll), "preRoll must be in 0...\(Self.maximumPreRoll) s")
        precondition(postRoll >= 0, "postRoll must not be negative")
        precondition(bufferByteLimit > 0, "bufferByteLimit must be positive")
        self.preRoll = preRoll
        self.postRoll = postRoll
        self.bufferByteLimit = bufferByteLimit
        self.mode = mode
        self.encoder = encoder
    }
}
