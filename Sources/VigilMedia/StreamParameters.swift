/// A time base: a tick of a stream's timestamps lasts `numerator / denominator` seconds.
public struct TimeBase: Sendable, Equatable, Hashable {
    public var numerator: Int32
    public var denominator: Int32

    public init(numerator: Int32, denominator: Int32) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// `ticks` of this time base in seconds.
    public func seconds(_ ticks: Int64) -> Double {
        denominator == 0 ? 0 : Double(ticks) * Double(numerator) / Double(denominator)
    }
}

/// The encoded video stream a source reads: enough for a clip writer to set up a remuxer.
public struct StreamParameters: Sendable, Equatable {
    /// The demuxer's name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`, `rtsp`, `mpjpeg`, `video4linux2,v4l2`.
    public var containerName: String
    /// FFmpeg's `AVCodecID` raw value.
    public var codecID: Int
    /// FFmpeg's codec name, e.g. `h264`, `hevc`, `mjpeg`.
    public var codecName: String
    /// Coded size in pixels.
    public var width: Int
    public var height: Int
    /// Codec extradata (H.264: the avcC record or Annex B parameter sets); empty when none.
    public var extradata: [UInt8]
    /// The time base of packet timestamps.
    public var timeBase: TimeBase
    /// The stream's average frame rate, when the container states one.
    public var averageFrameRate: Double?

    public init(containerName: String, codecID: Int, codecName: String, width: Int, height: Int,
                extradata: [UInt8], timeBase: TimeBase, averageFrameRate: Double?) {
        self.containerName = containerName
        self.codecID = codecID
        self.codecName = codecName
        self.width = width
        self.height = height
        self.extradata = extradata
        self.timeBase = timeBase
        self.averageFrameRate = averageFrameRate
    }
}
