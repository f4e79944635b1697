import Foundation
import Logging
import Synchronization
import VigilCore
import VigilImage
import VigilMedia
import VigilPipeline
import VigilServer
import VigilStore

/// Turns scored frames into events: runs each camera's `EventDetector`, records a clip per
/// event (`ClipRecorder`: pre-roll from the packet ring buffer, post-roll after the end), keeps
/// the best frame as JPEG with and without boxes, stores everything in the event database and
/// publishes `{type, before, after}` messages.
///
/// The detector runs on the camera's thread (cheap, no I/O); JPEG encoding, file writes, database
/// writes and publishing run on one serial queue, so a slow disk never stalls a camera. A timer
/// ticks the detectors each second so events end on time even when a camera stops delivering.
public final class EventRecorder: PipelineSink {
    struct Camera {
        var detector: EventDetector
        var recorder: ClipRecorder?
        /// Source time and wall time of the last frame, to place clip ends and map clip times.
        var lastPresentationTime: Double = 0
        var lastFrameTime = Date()
    }

    public let storage: EventStorageConfiguration
    public let store: EventStore
    private let cameras: Mutex<[String: Camera]>
    private let queue = DispatchQueue(label: "vigil.events")
    private let publish: @Sendable (String) -> Void
    /// A clip was finalized, or a snapshot saved (camera, event id, file): the uploads' hook.
    public typealias MediaHook = @Sendable (_ camera: String, _ eventID: String, _ file: URL, _ kind: String) -> Void
    private let onMedia: MediaHook
    /// Counters of events, clips and retention; nil in tests.
    let metrics: ServerMetrics?
    /// Files every upload target has confirmed (retention deletes those first).
    let uploadedPaths: @Sendable () -> Set<String>
    let logger: Logger
    /// Seconds between retention passes (also one at start).
    static let retentionInterval = 60
    /// Signalled by `close` to end the ticking thread.
    private let stopTicking = DispatchSemaphore(value: 0)

    /// Opens the database (migrating it), cleans up clips a crash left half-written, and makes a
    /// clip recorder for each camera that records clips.
    public init(storage: EventStorageConfiguration, cameras: [CameraConfiguration], logger: Logger,
                publish: @escaping @Sendable (String) -> Void, onMedia: @escaping MediaHook = { _, _, _, _ in },
                uploadedPaths: @escaping @Sendable () -> Set<String> = { [] }, metrics: ServerMetrics? = nil) throws {
        self.uploadedPaths = uploadedPaths
        self.metrics = metrics
        self.storage = storage
        self.logger = logger
        self.publish = publish
        self.onMedia = onMedia
        for folder in [storage.directory, storage.snapshotsDirectory, storage.clipsDirectory] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        store = try EventStore(path: storage.databasePath, logger: logger)
        try Self.recoverClips(store: store, directory: storage.clipsDirectory, logger: logger)
        var states: [String: Camera] = [:]
        let recordersStore = store
        for camera in cameras {
            guard let rules = camera.events else { continue }
            var recorder: ClipRecorder?
            if camera.recordsClips {
                recorder = ClipRecorder(camera: camera.name, directory: storage.clipsDirectory, configuration: storage.clips,
                                        logger: logger) { [logger] result in
                    if Self.clipFinished(result, camera: camera.name, store: recordersStore, logger: logger), case .success(let clip) = result {
                        metrics?.clipWritten(camera: camera.name, bytes: clip.bytes)
                        // A clip that an overlapping event extended holds several events: upload it once,
                        // named after the first.
                        if let eventID = clip.eventIDs.first { onMedia(camera.name, eventID, clip.url, "clip") }
                    }
                }
            }
            states[camera.name] = Camera(detector: EventDetector(camera: camera.name, rules: rules), recorder: recorder)
        }
        self.cameras = Mutex(states)
        let thread = Thread { [weak self, stopTicking] in
            var ticks = 0
            if let recorder = self { recorder.queue.async { recorder.applyRetention() } }
            while stopTicking.wait(timeout: .now() + 1) == .timedOut {
                guard let self else { return }
                ticks += 1
                queue.async { self.tick() }
                if ticks % Self.retentionInterval == 0 { queue.async { self.applyRetention() } }
            }
        }
        thread.name = "vigil.events.tick"
        thread.start()
    }

    /// Events in progress on any camera (retention never deletes their files).
    var activeEventIDs: Set<String> {
        cameras.withLock { cameras in Set(cameras.values.flatMap { $0.detector.activeEvents.map(\.id) }) }
    }

    /// The packet observer feeding `camera`'s clip recorder (nil when it records no clips).
    public func packetObserver(for camera: String) -> PacketObserver? {
        cameras.withLock { $0[camera]?.recorder?.packetObserver }
    }

    /// Frames for `camera`'s recorder when it has to encode (sources that are not H.264/H.265).
    public func frameObserver(for camera: String) -> (@Sendable (Frame) -> Void)? {
        guard let recorder = cameras.withLock({ $0[camera]?.recorder }) else { return nil }
        return { frame in recorder.append(frame) }
    }

    public func deliver(_ frame: ScoredFrame, image: RGBImage) {
        let result: ([EventAction], ClipRecorder?)? = cameras.withLock { cameras in
            guard cameras[frame.camera] != nil else { return nil }
            cameras[frame.camera]!.lastPresentationTime = frame.presentationTime
            cameras[frame.camera]!.lastFrameTime = frame.frameTime
            var actions = cameras[frame.camera]!.detector.observe(frame)
            // Clips start with their events; the detector records that the event has one.
            let recorder = cameras[frame.camera]!.recorder
            for case .started(let event) in actions where recorder != nil {
                actions += cameras[frame.camera]!.detector.clipStarted(eventID: event.id)
            }
            return (actions, recorder)
        }
        guard let (actions, recorder) = result, !actions.isEmpty else { return }
        // A copy of the picture only when a snapshot is asked for.
        let wantsSnapshot = actions.contains { if case .saveSnapshot = $0 { return true } else { return false } }
        let picture = wantsSnapshot ? RGBImage(width: image.width, height: image.height, pixels: Array(image.pixels)) : nil
        var clips: [Clip] = []
        for action in actions {
            switch action {
            case .started(let event):
                if let recorder, let url = recorder.startClip(eventID: event.id, at: frame.presentationTime) {
                    clips.append(Clip(eventID: event.id, path: url.path, start: event.start, codec: ""))
                }
            case .ended:
                recorder?.endClip(at: frame.presentationTime)
            default:
                break
            }
        }
        let predictions = frame.predictions
        let newClips = clips
        queue.async { [self] in
            for action in actions { carryOut(action, picture: picture, predictions: predictions) }
            // After the event rows exist (clips reference them).
            for clip in newClips {
                do {
                    if try !store.addClip(clip, created: Date()) {
                        logger.info("event recorded in the open clip of an earlier event", metadata: ["event": "\(clip.eventID)", "clip": "\(clip.path)"])
                    }
                } catch {
                    logger.error("cannot record clip", metadata: ["path": "\(clip.path)", "error": "\(error)"])
                }
            }
        }
    }

    /// Ends every active event (shutdown), finalizes clips and stops the timer.
    public func close() {
        stopTicking.signal()
        let (actions, recorders): ([EventAction], [ClipRecorder]) = cameras.withLock { cameras in
            var actions: [EventAction] = []
            for name in cameras.keys.sorted() { actions += cameras[name]!.detector.endAll(at: Date()) }
            return (actions, cameras.values.compactMap(\.recorder))
        }
        queue.sync { for action in actions { carryOut(action, picture: nil, predictions: []) } }
        for recorder in recorders { recorder.close() }
        queue.sync {}
    }

    private func tick() {
        let now = Date()
        let actions: [(EventAction, ClipRecorder?, Double)] = cameras.withLock { cameras in
            var all: [(EventAction, ClipRecorder?, Double)] = []
            for name in cameras.keys.sorted() {
                // Detector time is wall time of frames; a stalled camera's events end on wall time.
                let camera = cameras[name]!
                for action in cameras[name]!.detector.tick(at: now) {
                    all.append((action, camera.recorder, camera.lastPresentationTime + now.timeIntervalSince(camera.lastFrameTime)))
                }
            }
            return all
        }
        for (action, recorder, time) in actions {
            if case .ended = action { recorder?.endClip(at: time) }
            carryOut(action, picture: nil, predictions: [])
        }
    }

    /// Stores, publishes or saves what one action asks for (on the events queue).
    private func carryOut(_ action: EventAction, picture: RGBImage?, predictions: [Prediction]) {
        do {
            switch action {
            case .started(let event):
                try store.save(event)
                metrics?.eventStarted(camera: event.camera)
            case .updated(_, let event), .ended(_, let event):
                try store.save(event)
            case .saveSnapshot(let eventID, _):
                guard let picture else { return }
                try saveSnapshot(eventID: eventID, picture: picture, predictions: predictions)
            }
        } catch {
            logger.error("cannot store event change", metadata: ["error": "\(error)"])
        }
        if let message = action.message { publish(message.jsonString()) }
    }

    private func saveSnapshot(eventID: String, picture: RGBImage, predictions: [Prediction]) throws {
        let clean = storage.snapshotsDirectory.appendingPathComponent("\(eventID).jpg")
        let boxed = storage.snapshotsDirectory.appendingPathComponent("\(eventID)-boxes.jpg")
        var annotated = picture
        FrameAnnotator.annotate(&annotated, predictions: predictions)
        let cleanData = try JPEGEncoder.encode(picture, quality: 90)
        let boxedData = try JPEGEncoder.encode(annotated, quality: 90)
        try cleanData.write(to: clean, options: .atomic)
        try boxedData.write(to: boxed, options: .atomic)
        let replaced = try store.addSnapshot(EventSnapshot(eventID: eventID, path: clean.path, withBoxesPath: boxed.path,
                                                           bytes: Int64(cleanData.count + boxedData.count), created: Date()))
        for path in replaced where path != clean.path && path != boxed.path { try? FileManager.default.removeItem(atPath: path) }
        if let event = try store.event(id: eventID) { onMedia(event.camera, eventID, clean, "snapshot") }
    }

    /// A finished clip: its size and end go into the database (on the recorder's writer thread).
    /// Returns whether the clip is finalized in the database.
    static func clipFinished(_ result: Result<ClipResult, ClipError>, camera: String, store: EventStore, logger: Logger) -> Bool {
        switch result {
        case .success(let clip):
            do {
                // Source-timeline times become wall times through the file's own modification time.
                try store.finalizeClip(path: clip.url.path, end: Date(), bytes: Int64(clip.bytes))
                logger.info("clip written", metadata: ["camera": "\(camera)", "path": "\(clip.url.path)",
                                                       "seconds": "\(String(format: "%.1f", clip.duration))", "mode": "\(clip.mode)"])
                return true
            } catch {
                logger.error("cannot record the finished clip", metadata: ["path": "\(clip.url.path)", "error": "\(error)"])
                return false
            }
        case .failure(let error):
            logger.error("clip failed", metadata: ["camera": "\(camera)", "error": "\(error)"])
            return false
        }
    }

    /// Clips the database still lists as being written when Vigil starts: finalized if the
    /// recorder renamed the file before the crash, else marked removed (their `.partial` files are
    /// deleted by `ClipRecovery`, an MP4 without its index being unplayable).
    static func recoverClips(store: EventStore, directory: URL, logger: Logger) throws {
        let report = ClipRecovery.scan(directory, logger: logger)
        for partial in report.removedPartials { logger.warning("removed a clip a crash left unfinished", metadata: ["path": "\(partial.path)"]) }
        for clip in try store.clipsBeingWritten() {
            if let attributes = try? FileManager.default.attributesOfItem(atPath: clip.path),
               let size = attributes[.size] as? NSNumber {
                try store.finalizeClip(path: clip.path, end: (attributes[.modificationDate] as? Date) ?? Date(), bytes: size.int64Value)
            } else {
                try store.markClipRemoved(path: clip.path)
            }
        }
    }
}
