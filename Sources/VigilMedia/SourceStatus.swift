/// A snapshot of a frame source: its state and counters.
public struct SourceStatus: Sendable, Equatable {
    /// What the source is doing.
    public enum State: Sendable, Equatable {
        /// Created; `start()` not called yet.
        case idle
        /// Opening the input for the first time.
        case connecting
        /// Delivering frames.
        case streaming
        /// Lost (or could not open) the input; the next attempt comes after this many seconds.
        case reconnecting(after: Double, lastError: String)
        /// A file or folder played once and finished (`loop` off).
        case ended
        /// An error retrying cannot fix, e.g. a file that does not exist. Files and folders only.
        case failed(String)
        /// `stop()` was called.
        case stopped

        /// True for the states that deliver no more frames.
        public var isFinal: Bool {
            switch self {
            case .ended, .failed, .stopped: return true
            case .idle, .connecting, .streaming, .reconnecting: return false
            }
        }
    }

    /// What the source is doing.
    public var state: State = .idle
    /// Frames decoded since `start()`.
    public var framesRead: UInt64 = 0
    /// Frames replaced by a newer one before the consumer took them.
    public var framesDropped: UInt64 = 0
    /// Reconnection attempts made after a failure or loss (successful or not).
    public var reconnects: Int = 0
    /// The latest error, redacted; kept after the source recovers.
    public var lastError: String?
    /// Input frames per second measured over the last ~30 frames; 0 until known.
    public var inputFramesPerSecond: Double = 0
    /// The video stream of the current or last connection; nil before the first open (and for folders).
    public var stream: StreamParameters?

    public init() {}
}
