import CFFmpeg
import Foundation
import Logging

/// The body of a source's reading thread: open → demux → decode → RGB → publish, reconnecting
/// with back-off after failures, until stopped, ended or permanently failed.
///
/// Owns every FFmpeg object of the source; nothing here is touched by another thread except
/// through `CaptureState`. Per frame it reuses the packet, frame and swscale context, and
/// writes RGB into the buffer of a frame nobody took when there is one; otherwise it allocates
/// one uninitialised `[UInt8]` (a frame a consumer took may still be in use, and an array cannot
/// tell us when it is released).
final class ReadingLoop: @unchecked Sendable {  // handed to its thread once, then used only there
    private enum Outcome { case ended, stopped }

    private let spec: SourceSpec
    private let options: SourceOptions
    private let logger: Logger
    private let state: CaptureState
    private let observer: PacketObserver?
    private let converter = RGBConverter()
    private var backoff: ReconnectBackoff
    private var pacer = RealTimePacer()
    private var sequence: UInt64 = 0
    private var spareBuffer: [UInt8]?

    init(spec: SourceSpec, options: SourceOptions, logger: Logger, state: CaptureState, observer: PacketObserver?) {
        self.spec = spec
        self.options = options
        self.logger = logger
        self.state = state
        self.observer = observer
        self.backoff = ReconnectBackoff(policy: options.reconnect)
    }

    /// Runs until the source stops, ends or fails permanently.
    func run() {
        while !state.isStopRequested {
            do {
                let input = try open()
                switch try play(input) {
                case .stopped:
                    return
                case .ended:
                    logger.info("Source ended", metadata: ["frames": "\(sequence)"])
                    state.update { $0.state = .ended }
                    return
                }
            } catch {
                if state.isStopRequested { return }
                let message = spec.scrub(error.description)
                if error.isPermanent && !spec.isLive {
                    logger.error("Source failed: \(message)")
                    state.update { $0.state = .failed(message); $0.lastError = message }
                    return
                }
                guard case .retry(let delay, let attempt) = backoff.failed(at: .now) else { return }
                logger.warning("\(message); reconnect attempt \(attempt) in \(delay.shortText) s")
                state.update { $0.state = .reconnecting(after: delay, lastError: message); $0.lastError = message }
                guard state.sleep(seconds: delay) else { return }
                state.update { $0.reconnects += 1 }
                state.resetRate()
            }
        }
    }

    private func open() throws(FrameSourceError) -> PictureInput {
        let interrupt = state.interrupt
        let input: PictureInput
        switch spec {
        case .file(let path):
            input = try FFmpegInput(url: "file:" + path, formatName: nil, options: [], interrupt: interrupt,
                                    openTimeout: options.openTimeout, readTimeout: options.readTimeout,
                                    source: spec.redacted, openFailuresArePermanent: true)
        case .imageFolder(let path):
            input = try ImageFolderInput(path: path, frameRate: options.imageFolderFrameRate, interrupt: interrupt,
                                         readTimeout: options.readTimeout) { [logger, state] skipped in
                logger.warning("Skipped an image: \(skipped)")
                state.update { $0.lastError = skipped.description }
            }
        case .rtsp(let url):
            input = try FFmpegInput(url: url, formatName: "rtsp", options: [
                ("rtsp_transport", options.rtspTransport.rawValue),
                ("allowed_media_types", "video"),
            ], interrupt: interrupt, openTimeout: options.openTimeout, readTimeout: options.readTimeout,
               source: spec.redacted, openFailuresArePermanent: false)
        case .http(let url):
            input = try FFmpegInput(url: url, formatName: nil, options: [], interrupt: interrupt,
                                    openTimeout: options.openTimeout, readTimeout: options.readTimeout,
                                    source: spec.redacted, openFailuresArePermanent: false)
        case .device(let path):
            var deviceOptions: [(String, String)] = []
            if let size = options.capture.size { deviceOptions.append(("video_size", size.description)) }
            if let fps = options.capture.framesPerSecond { deviceOptions.append(("framerate", String(fps))) }
            if let format = options.capture.pixelFormat { deviceOptions.append(("input_format", format)) }
            input = try FFmpegInput(url: path, formatName: "video4linux2", options: deviceOptions, interrupt: interrupt,
                                    openTimeout: options.openTimeout, readTimeout: options.readTimeout,
                                    source: spec.redacted, openFailuresArePermanent: false)
        }
        if let stream = input.streamParameters {
            logger.info("Opened source: \(stream.codecName) \(stream.width)x\(stream.height) via \(stream.containerName)")
        }
        state.update { $0.stream = input.streamParameters }
        return input
    }

    private func play(_ input: PictureInput) throws(FrameSourceError) -> Outcome {
        var timeline = PresentationTimeline(nominalFrameRate: input.streamParameters?.averageFrameRate
                                            ?? (spec.isLive ? nil : options.imageFolderFrameRate))
        pacer.reset()
        let paced = options.pacing == .realTime && !spec.isLive
        var picturesThisPass = 0
        while true {
            if state.isStopRequested { return .stopped }
            guard let picture = try input.nextPicture(observer: observer) else {
                if state.isStopRequested { return .stopped }
                if spec.isLive {
                    throw FrameSourceError(source: spec.redacted, operation: "read", reason: "the stream ended")
                }
                if picturesThisPass == 0 {
                    throw FrameSourceError(source: spec.redacted, operation: "decode",
                                           reason: "no frame could be decoded" + (input.rejectionSummary.map { " (\($0))" } ?? ""),
                                           isPermanent: true)
                }
                guard options.loop else { return .ended }
                guard input.rewind() else {
                    throw FrameSourceError(source: spec.redacted, operation: "seek to the start to loop", reason: "the input cannot seek")
                }
                timeline.restart()
                picturesThisPass = 0
                continue
            }
            picturesThisPass += 1
            let presentationTime = timeline.place(picture.presentationTime)
            if paced {
                let wait = pacer.delay(forPresentationTime: presentationTime, now: .now)
                if wait > 0 && !state.sleep(seconds: wait) { return .stopped }
            }
            try publish(picture.frame, presentationTime: presentationTime)
        }
    }

    private func publish(_ decoded: UnsafeMutablePointer<AVFrame>, presentationTime: Double) throws(FrameSourceError) {
        let size = options.outputSize ?? FrameSize(width: Int(decoded.pointee.width), height: Int(decoded.pointee.height))
        let count = size.width * size.height * 3
        var pixels: [UInt8]
        if let spare = spareBuffer, spare.count == count {
            pixels = spare
        } else {
            // 64 spare bytes of capacity past the end: swscale's SIMD paths may store whole vectors.
            pixels = [UInt8](unsafeUninitializedCapacity: count + 64) { _, initialized in initialized = count }
        }
        spareBuffer = nil
        let converted = pixels.withUnsafeMutableBufferPointer { converter.convert(decoded, to: size, into: $0.baseAddress!) }
        guard converted else {
            let format = av_get_pix_fmt_name(AVPixelFormat(rawValue: decoded.pointee.format)).map { String(cString: $0) } ?? "unknown"
            throw FrameSourceError(source: spec.redacted, operation: "convert to RGB",
                                   reason: "swscale cannot convert \(format) \(decoded.pointee.width)x\(decoded.pointee.height)")
        }
        sequence += 1
        let now = ContinuousClock.now
        let frame = Frame(width: size.width, height: size.height, pixels: pixels, sequence: sequence,
                          presentationTime: presentationTime, capturedAt: Date(), capturedInstant: now)
        pixels = []
        spareBuffer = state.publish(frame)
        backoff.streaming(at: now)
    }
}
