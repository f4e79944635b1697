/// A picture size in pixels.
public struct FrameSize: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// `WIDTHxHEIGHT`, the form FFmpeg's `video_size` option takes.
    public var description: String { "\(width)x\(height)" }
}
