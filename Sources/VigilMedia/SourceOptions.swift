/// How a `FrameSource` reads its input; every field has a default that suits a camera pipeline.
public struct SourceOptions: Sendable, Equatable {
    /// How a file or folder is paced (live sources set their own pace).
    public enum Pacing: String, Sendable, Equatable, CaseIterable {
        /// Frames are delivered at the rate their timestamps say, as a camera would.
        case realTime
        /// Frames are delivered as fast as they decode (batch scoring, tests).
        case asFastAsPossible
    }

    /// How RTSP carries the media.
    public enum RTSPTransport: String, Sendable, Equatable, CaseIterable {
        /// RTP interleaved in the RTSP TCP connection: no loss, passes NAT and firewalls.
        case tcp
        /// RTP over UDP: lower latency, but loses packets on busy networks.
        case udp
    }

    /// What to ask a V4L2 device for; nil fields keep the device's default.
    public struct CaptureFormat: Sendable, Equatable {
        /// Capture size (FFmpeg `video_size`). Default nil.
        public var size: FrameSize?
        /// Capture rate in frames per second (FFmpeg `framerate`). Default nil.
        public var framesPerSecond: Int?
        /// Device pixel format, e.g. `mjpeg` or `yuyv422` (FFmpeg `input_format`). Default nil.
        public var pixelFormat: String?

        public init(size: FrameSize? = nil, framesPerSecond: Int? = nil, pixelFormat: String? = nil) {
            self.size = size
            self.framesPerSecond = framesPerSecond
            self.pixelFormat = pixelFormat
        }
    }

    /// Files and folders start again at the end instead of ending. Default false.
    public var loop: Bool
    /// File and folder pacing. Default `.realTime`.
    public var pacing: Pacing
    /// RTSP transport. Default `.tcp`.
    public var rtspTransport: RTSPTransport
    /// V4L2 capture format. Default: the device's own.
    public var capture: CaptureFormat
    /// Seconds an open (connect, handshake, probing) may take before it is abandoned. Default 10.
    public var openTimeout: Double
    /// Seconds one read may block waiting for data before the connection counts as lost. Default 10.
    public var readTimeout: Double
    /// Back-off between reconnection attempts. Default 0.5 s doubling to 30 s, no jitter.
    public var reconnect: ReconnectPolicy
    /// Frames are scaled to this size (by swscale, bicubic); nil keeps the decoded size. Default nil.
    public var outputSize: FrameSize?
    /// Frames per second of a folder of images: image `i` has presentation time
    /// `i / imageFolderFrameRate`, which real-time pacing follows. Default 1.
    public var imageFolderFrameRate: Double

    public init(loop: Bool = false, pacing: Pacing = .realTime, rtspTransport: RTSPTransport = .tcp,
                capture: CaptureFormat = CaptureFormat(), openTimeout: Double = 10, readTimeout: Double = 10,
                reconnect: ReconnectPolicy = ReconnectPolicy(), outputSize: FrameSize? = nil,
                imageFolderFrameRate: Double = 1) {
        precondition(openTimeout > 0 && readTimeout > 0, "timeouts must be positive")
        precondition(imageFolderFrameRate > 0, "imageFolderFrameRate must be positive")
        precondition(outputSize.map { $0.width > 0 && $0.height > 0 } ?? true, "outputSize must be positive")
        self.loop = loop
        self.pacing = pacing
        self.rtspTransport = rtspTransport
        self.capture = capture
        self.openTimeout = openTimeout
        self.readTimeout = readTimeout
        self.reconnect = reconnect
        self.outputSize = outputSize
        self.imageFolderFrameRate = imageFolderFrameRate
    }
}
