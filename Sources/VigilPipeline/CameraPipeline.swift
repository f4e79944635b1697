import Foundation
import Logging
import Synchronization
import VigilCore
import VigilImage
import VigilMedia

/// One camera: source → sampler → region of interest → scorer → sinks, on a thread of its own.
///
/// The source keeps only its newest frame, so a slow model makes the pipeline skip frames, never
/// lag behind. Scoring errors (a remote endpoint down) are counted and logged once per change of
/// message, and the camera goes on. `stop()` returns once the thread has finished.
public final class CameraPipeline: Sendable {
    public let configuration: CameraConfiguration
    private let source: FrameSource
    private let scorer: FrameScorer
    private let sinks: [PipelineSink]
    private let logger: Logger
    private let state: Mutex<CameraStatus>
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let started = Atomic<Bool>(false)

    /// Every frame the pipeline takes from the source, before sampling (a clip recorder encoding
    /// sources that are not H.264/H.265 needs them); called on the camera's thread.
    private let frameObserver: (@Sendable (Frame) -> Void)?

    /// `packetObserver` sees the source's encoded packets on its reading thread (clip pre-roll).
    public init(configuration: CameraConfiguration, scorer: FrameScorer, sinks: [PipelineSink], logger: Logger,
                packetObserver: PacketObserver? = nil, frameObserver: (@Sendable (Frame) -> Void)? = nil) throws {
        self.configuration = configuration
        self.scorer = scorer
        self.sinks = sinks
        self.logger = logger
        self.frameObserver = frameObserver
        source = FrameSource(spec: try SourceSpec(parsing: configuration.source), options: Self.sourceOptions(configuration),
                             logger: logger, packetObserver: packetObserver)
        state = Mutex(CameraStatus(camera: configuration.name, source: source.spec.redacted, model: scorer.modelName))
    }

    static func sourceOptions(_ configuration: CameraConfiguration) -> SourceOptions {
        var options = SourceOptions()
        options.loop = configuration.loop
        options.pacing = configuration.pacing == .realtime ? .realTime : .asFastAsPossible
        options.rtspTransport = configuration.rtspTransport == .tcp ? .tcp : .udp
        if let width = configuration.captureWidth, let height = configuration.captureHeight {
            options.capture.size = FrameSize(width: width, height: height)
        }
        options.capture.framesPerSecond = configuration.captureFPS
        options.capture.pixelFormat = configuration.pixelFormat
        return options
    }

    public var status: CameraStatus { state.withLock { $0 } }

    public func start() {
        guard !started.exchange(true, ordering: .relaxed) else { return }
        source.start()
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "vigil.camera.\(configuration.name)"
        thread.start()
    }

    /// Stops the source and the thread, and waits for both.
    public func stop() {
        guard started.load(ordering: .relaxed), !stopping.exchange(true, ordering: .relaxed) else { return }
        source.stop()
        finished.wait()
        let status = state.withLock { $0.state = .stopped; return $0 }
        for sink in sinks { sink.cameraStatusChanged(status) }
    }

    private func run() {
        var sampler = FrameSampler(fps: configuration.fps)
        var inputRate = RateMeter()
        var outputRate = RateMeter()
        var lastSequence: UInt64 = 0
        var lastState = CameraStatus.State.connecting
        var lastFailure: String?
        var cropped: RGBImage?
        let clockStart = ContinuousClock.now
        func now() -> Double {
            let elapsed = ContinuousClock.now - clockStart
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }

        while !stopping.load(ordering: .relaxed) {
            let frame = source.next(after: lastSequence, timeout: 0.25)
            let sourceStatus = source.status
            let changed: CameraStatus? = state.withLock { status in
                status.framesRead = sourceStatus.framesRead
                status.reconnects = UInt64(sourceStatus.reconnects)
                status.state = Self.state(of: sourceStatus.state)
                if let error = sourceStatus.lastError { status.lastError = error }
                status.inputFPS = sourceStatus.inputFramesPerSecond
                guard status.state != lastState else { return nil }
                lastState = status.state
                return status
            }
            if let changed { for sink in sinks { sink.cameraStatusChanged(changed) } }
            guard let frame else {
                if sourceStatus.state.isFinal { break }
                continue
            }
            frameObserver?(frame)
            let skippedBySource = lastSequence == 0 ? frame.sequence - 1 : frame.sequence - lastSequence - 1
            lastSequence = frame.sequence
            let time = now()
            inputRate.record(at: time, events: 1 + skippedBySource)
            guard sampler.offer(at: time) == .score else {
                state.withLock { $0.framesDropped += 1 + skippedBySource }
                continue
            }

            var image = RGBImage(width: frame.width, height: frame.height, pixels: frame.pixels)
            if let region = configuration.regionOfInterest {
                image = Self.crop(image, to: region, reusing: &cropped)
            }
            let started = ContinuousClock.now
            let predictions: [Prediction]
            do {
                predictions = try scorer.score(image)
                lastFailure = nil
            } catch {
                let text = "\(error)"
                if text != lastFailure { logger.warning("scoring failed", metadata: ["camera": "\(configuration.name)", "error": "\(text)"]) }
                lastFailure = text
                state.withLock {
                    $0.framesDropped += skippedBySource
                    $0.scoringFailures += 1
                    $0.lastError = text
                }
                continue
            }
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            outputRate.record(at: now())
            let scored = ScoredFrame(camera: configuration.name, model: scorer.modelName, sequence: frame.sequence,
                                     presentationTime: frame.presentationTime, frameTime: frame.capturedAt,
                                     width: image.width, height: image.height, predictions: predictions, scoringSeconds: seconds)
            state.withLock { status in
                status.framesScored += 1
                status.framesDropped += skippedBySource
                status.lastScoringSeconds = seconds
                status.outputFPS = outputRate.rate
                status.lastFrameAt = frame.capturedAt
            }
            for sink in sinks { sink.deliver(scored, image: image) }
        }
    }

    static func state(of state: SourceStatus.State) -> CameraStatus.State {
        switch state {
        case .idle, .connecting: .connecting
        case .streaming: .streaming
        case .reconnecting: .reconnecting
        case .ended: .ended
        case .failed: .failed
        case .stopped: .stopped
        }
    }

    /// The region (clipped to the frame) copied into `buffer`, reallocated only when its size changes.
    static func crop(_ image: RGBImage, to region: CameraConfiguration.Region, reusing buffer: inout RGBImage?) -> RGBImage {
        let x0 = min(max(0, region.x), image.width - 1), y0 = min(max(0, region.y), image.height - 1)
        let width = max(1, min(region.width, image.width - x0)), height = max(1, min(region.height, image.height - y0))
        if buffer?.width != width || buffer?.height != height { buffer = RGBImage(width: width, height: height) }
        let sourceRow = image.width * 3, targetRow = width * 3
        buffer!.pixels.withUnsafeMutableBufferPointer { target in
            image.pixels.withUnsafeBufferPointer { source in
                for row in 0..<height {
                    (target.baseAddress! + row * targetRow).update(from: source.baseAddress! + (y0 + row) * sourceRow + x0 * 3, count: targetRow)
                }
            }
        }
        return buffer!
    }
}
