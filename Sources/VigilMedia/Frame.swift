import Foundation

/// A decoded picture as packed RGB24, as handed from a `FrameSource` to its consumer.
///
/// The layout matches `RGBImage(width:height:pixels:)`: `height` rows of `width × 3` bytes, RGB
/// interleaved, no row padding, so the pixels move into an image without copying.
public struct Frame: Sendable {
    /// Width in pixels (after the optional output scaling of `SourceOptions.outputSize`).
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `height` rows of `width × 3` bytes, RGB interleaved, no padding.
    public var pixels: [UInt8]
    /// Position in the source's output: 1 for the first frame, +1 per decoded frame, across
    /// loops and reconnects. A gap between two frames a consumer took means frames were dropped.
    public let sequence: UInt64
    /// Seconds on the source's timeline: for files, from the start of the file and continued
    /// across loops; for folders, `index / SourceOptions.imageFolderFrameRate`; for live sources
    /// the stream's own clock (it may restart after a reconnect).
    public let presentationTime: Double
    /// Wall-clock time the frame was decoded (after real-time pacing, for paced files).
    public let capturedAt: Date
    /// The same moment on the monotonic clock, for measuring a frame's age.
    public let capturedInstant: ContinuousClock.Instant

    /// Wraps decoded pixels; `pixels.count` must be `width × height × 3`.
    public init(width: Int, height: Int, pixels: [UInt8], sequence: UInt64, presentationTime: Double,
                capturedAt: Date = Date(), capturedInstant: ContinuousClock.Instant = .now) {
        precondition(pixels.count == width * height * 3,
                     "\(width)×\(height) RGB needs \(width * height * 3) bytes, got \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
        self.sequence = sequence
        self.presentationTime = presentationTime
        self.capturedAt = capturedAt
        self.capturedInstant = capturedInstant
    }
}
