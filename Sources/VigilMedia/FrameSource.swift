import Foundation
import Logging

/// Reads a video source on one dedicated thread and always offers its newest decoded frame.
///
/// The thread opens the input, demuxes, decodes, converts to RGB24 and publishes into a slot
/// that holds only the newest frame, so a slow consumer never sees a growing lag: it gets the
/// newest frame, and the frames it never took count as dropped. Live sources (RTSP, HTTP, V4L2)
/// and files that fail mid-way reconnect forever with exponential back-off, logging one line per
/// attempt; files end or loop at their end. Blocking FFmpeg calls are bounded by the open and read
/// timeouts and cut short by `stop()` through FFmpeg's interrupt callback.
///
/// Thread-safe: every method may be called from any thread. Credentials in URLs never appear in
/// logs, errors or status (`SourceSpec.redacted`).
///
/// ```swift
/// let source = try FrameSource(parsing: "rtsp://user:pass@camera/stream")
/// source.start()
/// var last: UInt64 = 0
/// while let frame = source.next(after: last, timeout: 5) { last = frame.sequence; ... }
/// source.stop()
/// ```
public final class FrameSource: @unchecked Sendable {
    /// What this source reads.
    public let spec: SourceSpec
    /// How it reads it.
    public let options: SourceOptions
    private let state = CaptureState()
    private let logger: Logger
    private let observer: PacketObserver?
    private let lifecycle = NSLock()
    private var started = false

    /// A source for `spec`; nothing happens until `start()`.
    ///
    /// - Parameters:
    ///   - logger: where the source logs (opens, losses, reconnect attempts); it gains a `source`
    ///     metadata value with the redacted source. Default label `vigil.media`.
    ///   - packetObserver: called on the reading thread with each encoded video packet before it
    ///     is decoded (for clip recording); nil by default.
    public init(spec: SourceSpec, options: SourceOptions = SourceOptions(),
                logger: Logger = Logger(label: "vigil.media"), packetObserver: PacketObserver? = nil) {
        self.spec = spec
        self.options = options
        var logger = logger
        logger[metadataKey: "source"] = "\(spec.redacted)"
        self.logger = logger
        self.observer = packetObserver
    }

    /// A source for a user string (see `SourceSpec.init(parsing:)`).
    public convenience init(parsing text: String, options: SourceOptions = SourceOptions(),
                            logger: Logger = Logger(label: "vigil.media"), packetObserver: PacketObserver? = nil) throws(FrameSourceError) {
        self.init(spec: try SourceSpec(parsing: text), options: options, logger: logger, packetObserver: packetObserver)
    }

    deinit { stop() }

    /// Starts the reading thread. Calling it again, or after `stop()`, does nothing.
    public func start() {
        lifecycle.lock()
        defer { lifecycle.unlock() }
        guard !started, !state.isStopRequested else { return }
        started = true
        state.update { $0.state = .connecting }
        let loop = ReadingLoop(spec: spec, options: options, logger: logger, state: state, observer: observer)
        let state = self.state
        let thread = Thread {
            loop.run()
            state.markThreadFinished()
        }
        thread.name = "vigil.media.reader"
        thread.start()
    }

    /// Stops the reading thread and waits for it to finish; blocked network or device reads are
    /// interrupted, so this returns promptly. Idempotent. Must not be called from a packet observer.
    public func stop() {
        lifecycle.lock()
        defer { lifecycle.unlock() }
        state.requestStop()
        if started {
            state.waitUntilThreadFinished()
        } else {
            state.update { if !$0.state.isFinal { $0.state = .stopped } }
        }
    }

    /// The newest frame with a sequence greater than `sequence`, waiting up to `timeout` seconds.
    ///
    /// Pass 0 for the first frame, then the last frame's `sequence`. Returns nil on timeout, and
    /// at once when the source has ended, failed or stopped and holds no newer frame.
    public func next(after sequence: UInt64, timeout: Double) -> Frame? {
        state.next(after: sequence, timeout: timeout)
    }

    /// A snapshot of the state and counters.
    public var status: SourceStatus { state.snapshot }
}
