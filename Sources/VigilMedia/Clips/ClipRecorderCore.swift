import CFFmpeg
import Foundation
import Logging

/// The state a `ClipRecorder` shares with its writer thread: the buffers, the clip schedule, the
/// mode, and the writer's wake-up flag, under one condition lock (the buffers have their own;
/// this lock is always taken first).
final class ClipRecorderCore: @unchecked Sendable {
    let camera: String
    let directory: URL
    let configuration: ClipConfiguration
    let logger: Logger
    let onClip: ClipRecorder.Completion?
    let packets: PacketRingBuffer
    let frames: FrameRingBuffer

    let condition = NSCondition()
    /// Guarded by `condition`:
    var schedule: ClipSchedule
    var mode: ClipResult.Mode?
    /// Something changed that the writer should look at (new data for an open clip, a new clip,
    /// closing).
    var hasWork = false
    var isClosing = false
    var writerFinished = false
    var clipsWritten = 0
    var clipsFailed = 0
    /// The frame rate of encode-mode clips: the stream's stated rate, when a packet told it.
    var statedFrameRate: Double?
    /// Names this recorder has given out (their files may not exist yet, or be mid-rename).
    private var usedNames: Set<String> = []

    init(camera: String, directory: URL, configuration: ClipConfiguration, logger: Logger,
         onClip: ClipRecorder.Completion?) {
        self.camera = camera
        self.directory = directory
        self.configuration = configuration
        self.logger = logger
        self.onClip = onClip
        packets = PacketRingBuffer(preRoll: configuration.preRoll, byteLimit: configuration.bufferByteLimit)
        frames = FrameRingBuffer(preRoll: configuration.preRoll, byteLimit: configuration.bufferByteLimit)
        schedule = ClipSchedule(postRoll: configuration.postRoll)
    }

    func observe(_ packet: EncodedPacket) {
        condition.lock()
        if mode == nil { resolveMode(codecID: packet.stream.codecID, codecName: packet.stream.codecName) }
        if statedFrameRate == nil { statedFrameRate = packet.stream.averageFrameRate }
        let accepted = mode == .remux && !isClosing
        condition.unlock()
        guard accepted else { return }
        packets.append(packet)
        wakeWriterIfRecording()
    }

    func append(_ frame: Frame) {
        condition.lock()
        if mode == nil { resolveMode(codecID: nil, codecName: nil) }
        let accepted = mode == .encode && !isClosing
        condition.unlock()
        guard accepted else { return }
        frames.append(frame)
        wakeWriterIfRecording()
    }

    func startClip(eventID: String, at time: Double) -> URL? {
        condition.lock()
        defer { condition.unlock() }
        guard !isClosing else {
            logger.warning("Clip not started: the recorder is closed", metadata: ["event": "\(eventID)"])
            return nil
        }
        if schedule.open != nil {
            let outcome = schedule.start(eventID: eventID, at: time, url: directory, startSequence: nil)
            guard case .extended(let clip) = outcome else { preconditionFailure("an open clip is always extended") }
            logger.info("Clip extended", metadata: ["event": "\(eventID)", "clip": "\(clip.url.path)"])
            return clip.url
        }
        let from = time - configuration.preRoll
        let start: UInt64? = switch mode {
        case .remux: packets.pinClipStart(at: from)
        case .encode: frames.pinClipStart(at: from)
        case nil: nil
        }
        let url = uniqueURL(for: eventID)
        _ = schedule.start(eventID: eventID, at: time, url: url, startSequence: start)
        logger.info("Clip started", metadata: ["event": "\(eventID)", "at": "\(time)", "clip": "\(url.path)"])
        hasWork = true
        condition.broadcast()
        return url
    }

    func endClip(at time: Double) {
        condition.lock()
        defer { condition.unlock() }
        guard schedule.end(at: time) else { return }
        hasWork = true
        condition.broadcast()
    }

    func close() {
        condition.lock()
        defer { condition.unlock() }
        isClosing = true
        hasWork = true
        condition.broadcast()
        while !writerFinished { condition.wait() }
    }

    var status: ClipRecorder.Status {
        condition.lock()
        defer { condition.unlock() }
        return ClipRecorder.Status(mode: mode, isRecording: schedule.open != nil, clipsWritten: clipsWritten,
                                   clipsFailed: clipsFailed, packets: packets.statistics, bufferedFrames: frames.count)
    }

    // MARK: - Under the lock

    private func wakeWriterIfRecording() {
        condition.lock()
        if schedule.open != nil {
            hasWork = true
            condition.broadcast()
        }
        condition.unlock()
    }

    /// H.264 and H.265 are remuxed; other codecs, and frames without packets, are encoded.
    private func resolveMode(codecID: Int?, codecName: String?) {
        switch configuration.mode {
        case .remux: mode = .remux
        case .encode: mode = .encode
        case .automatic:
            let copyable = [AV_CODEC_ID_H264, AV_CODEC_ID_HEVC].contains { Int($0.rawValue) == codecID }
            mode = copyable ? .remux : .encode
        }
        logger.info("Clip mode: \(mode!.rawValue)", metadata: ["codec": "\(codecName ?? "frames")"])
    }

    /// `<directory>/<camera>-<eventID>.mp4`, with `-2`, `-3`… when a clip (or a `.partial`) has it.
    private func uniqueURL(for eventID: String) -> URL {
        let base = Self.fileNameComponent(camera) + "-" + Self.fileNameComponent(eventID)
        var name = base + ".mp4"
        var suffix = 1
        let files = FileManager.default
        while usedNames.contains(name) || files.fileExists(atPath: directory.appendingPathComponent(name).path)
                || files.fileExists(atPath: directory.appendingPathComponent(name + MP4ClipWriter.partialSuffix).path) {
            suffix += 1
            name = "\(base)-\(suffix).mp4"
        }
        usedNames.insert(name)
        return directory.appendingPathComponent(name)
    }

    static func fileNameComponent(_ text: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        let cleaned = String(text.map { allowed.contains($0) ? $0 : "_" }.prefix(80))
        return cleaned.isEmpty ? "_" : cleaned
    }
}
