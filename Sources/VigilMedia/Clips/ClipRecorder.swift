import CFFmpeg
import Foundation
import Logging

/// Records the video around detection events of one camera into fast-start MP4 clips.
///
/// Feed it the source's encoded packets (`packetObserver`, given to `FrameSource`) and, for
/// sources that are not H.264/H.265, the decoded frames (`append(_:)`). It keeps the last
/// `preRoll` seconds in memory; `startClip(eventID:at:)` opens a clip that begins at the last
/// keyframe at or before `time - preRoll`, `endClip(at:)` lets it run `postRoll` seconds more,
/// and then the clip is finalized and reported to `onClip`.
///
/// - Remux mode (H.264, H.265): the packets are copied into the MP4 without re-encoding.
/// - Encode mode (MJPEG, raw V4L2, anything else): the RGB frames the caller appends are encoded
///   with libx264 (`ClipConfiguration.Encoder`); packets are ignored.
///
/// The mode is chosen by the first packet's codec (or the first frame's arrival, when no packets
/// are observed), unless `ClipConfiguration.mode` forces it. Times are seconds on the source's
/// timeline (`Frame.presentationTime`); the packets' own timeline is described in `PacketClock`.
///
/// Threads: the observer and `append` only copy into the pre-roll buffer (never touching the
/// disk); a writer thread of the recorder's own muxes, encodes and writes. The buffer is the queue
/// between them: a writer that falls behind by more than `bufferByteLimit` loses whole GOPs
/// (frames), counted in `ClipResult.dropped`. Every method may be called from any thread. Files
/// are written as `<name>.mp4.partial` and renamed once complete (see `MP4ClipWriter`); at
/// start-up, `ClipRecovery.scan(_:)` cleans up after a crash.
///
/// ```swift
/// let recorder = ClipRecorder(camera: "door", directory: clips) { result in ... }
/// let source = FrameSource(spec: spec, packetObserver: recorder.packetObserver)
/// // in the pipeline, per frame:  recorder.append(frame)
/// // on an event:                 recorder.startClip(eventID: id, at: frame.presentationTime)
/// //                              recorder.endClip(at: frame.presentationTime)
/// recorder.close()
/// ```
public final class ClipRecorder: @unchecked Sendable {
    /// Receives each finished clip, or why it failed, on the recorder's writer thread.
    public typealias Completion = @Sendable (Result<ClipResult, ClipError>) -> Void

    /// A snapshot of what the recorder is doing.
    public struct Status: Sendable, Equatable {
        /// Remux or encode, once the first packet or frame chose it.
        public var mode: ClipResult.Mode?
        /// A clip is open (recording, or in its post-roll).
        public var isRecording: Bool
        public var clipsWritten: Int
        public var clipsFailed: Int
        /// The packet buffer's counters (remux mode).
        public var packets: PacketRingBuffer.Statistics
        /// Frames held (encode mode).
        public var bufferedFrames: Int
    }

    public let camera: String
    public let directory: URL
    public let configuration: ClipConfiguration
    private let core: ClipRecorderCore

    /// A recorder writing into `directory` (which must exist), its files named
    /// `<camera>-<eventID>.mp4` (characters other than letters, digits, `.`, `_` and `-` become `_`).
    /// Starts its writer thread.
    public init(camera: String, directory: URL, configuration: ClipConfiguration = ClipConfiguration(),
                logger: Logger = Logger(label: "vigil.clips"), onClip: Completion? = nil) {
        self.camera = camera
        self.directory = directory
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "camera"] = "\(camera)"
        core = ClipRecorderCore(camera: camera, directory: directory, configuration: configuration,
                                logger: logger, onClip: onClip)
        let core = self.core
        let thread = Thread { core.runWriter() }
        thread.name = "vigil.clips.writer"
        thread.start()
    }

    deinit { core.close() }

    /// An observer for `FrameSource(spec:options:logger:packetObserver:)` that feeds this recorder.
    public var packetObserver: PacketObserver {
        { [core] packet in core.observe(packet) }
    }

    /// Takes a packet of the source (what `packetObserver` does): copies it into the pre-roll
    /// buffer in remux mode, ignores it in encode mode.
    public func observe(_ packet: EncodedPacket) { core.observe(packet) }

    /// Takes a decoded frame: kept (by reference) for encode-mode clips; ignored in remux mode.
    public func append(_ frame: Frame) { core.append(frame) }

    /// An event started at `time` (source-timeline seconds): opens a clip, or extends the open one
    /// (an event during a clip or its post-roll). Returns the clip's final path; nil after `close()`.
    @discardableResult
    public func startClip(eventID: String, at time: Double) -> URL? { core.startClip(eventID: eventID, at: time) }

    /// The event ended at `time`: the open clip records until `time + postRoll`, then is finalized.
    /// Does nothing when no clip is open.
    public func endClip(at time: Double) { core.endClip(at: time) }

    /// Writes what has arrived of the open clip, finalizes it, and stops the writer thread; waits
    /// for both. Later packets, frames and clips are ignored. Idempotent.
    public func close() { core.close() }

    public var status: Status { core.status }
}
