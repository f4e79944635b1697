import Foundation
import Synchronization
import VigilCore
import VigilImage

/// What the dashboard shows of every camera: its status, its newest scored picture with the
/// predictions, and a feed of prediction messages for live pages (SSE).
///
/// A pipeline sink. Delivering costs one copy of the picture into a buffer reused per camera
/// (no allocation once the size is known) and nothing more; JPEG encoding and box drawing happen
/// on the HTTP side, only while someone watches.
public final class LiveView: PipelineSink {
    /// The newest scored picture of a camera.
    public struct Snapshot: Sendable {
        public var image: RGBImage
        public var frame: ScoredFrame
        /// Increases with every delivered frame; viewers wait for it to change.
        public var version: UInt64
    }

    private struct Camera {
        var status: CameraStatus
        var snapshot: Snapshot?
    }

    private struct State {
        var cameras: [String: Camera] = [:]
        var order: [String] = []
        var subscribers: [UInt64: AsyncStream<String>.Continuation] = [:]
        var nextSubscriber: UInt64 = 0
        var version: UInt64 = 0
        var closed = false
        var pipelines: [CameraPipeline] = []
    }

    private let state = Mutex(State())
    /// Models the dashboard lists (name → description), set by the composition root.
    public let modelInfo: [String: String]

    public init(cameras: [CameraStatus], modelInfo: [String: String] = [:]) {
        self.modelInfo = modelInfo
        state.withLock { state in
            for status in cameras {
                state.cameras[status.camera] = Camera(status: status)
                state.order.append(status.camera)
            }
        }
    }

    public func deliver(_ frame: ScoredFrame, image: RGBImage) {
        // The message is built only for live feeds; other sinks build their own when they need it.
        let message = state.withLock { $0.subscribers.isEmpty } ? nil : frame.messageJSON()
        state.withLock { state in
            state.version += 1
            let version = state.version
            if state.cameras[frame.camera] == nil {
                state.cameras[frame.camera] = Camera(status: CameraStatus(camera: frame.camera, source: "", model: frame.model))
                state.order.append(frame.camera)
            }
            // Copy into the camera's buffer in place (mutating through the dictionary keeps it
            // uniquely referenced); a new buffer only when the size changes or a viewer holds the old one.
            let width = state.cameras[frame.camera]!.snapshot?.image.width
            let height = state.cameras[frame.camera]!.snapshot?.image.height
            if width == image.width, height == image.height {
                state.cameras[frame.camera]!.snapshot!.image.pixels.withUnsafeMutableBufferPointer { target in
                    image.pixels.withUnsafeBufferPointer { source in
                        target.baseAddress!.update(from: source.baseAddress!, count: source.count)
                    }
                }
                state.cameras[frame.camera]!.snapshot!.frame = frame
                state.cameras[frame.camera]!.snapshot!.version = version
            } else {
                state.cameras[frame.camera]!.snapshot = Snapshot(
                    image: RGBImage(width: image.width, height: image.height, pixels: Array(image.pixels)), frame: frame, version: version)
            }
            if let message { for continuation in state.subscribers.values { continuation.yield(message) } }
        }
    }

    public func cameraStatusChanged(_ status: CameraStatus) {
        state.withLock { state in
            if state.cameras[status.camera] == nil { state.order.append(status.camera) }
            state.cameras[status.camera, default: Camera(status: status)].status = status
        }
    }

    /// Reads live counters from these pipelines from now on (status pushes only carry state changes).
    public func attach(_ pipelines: [CameraPipeline]) {
        state.withLock { $0.pipelines = pipelines }
    }

    /// Every camera's status, in configuration order: live from attached pipelines, else the last pushed.
    public var statuses: [CameraStatus] {
        let (pushed, pipelines) = state.withLock { state in
            (state.order.compactMap { state.cameras[$0]?.status }, state.pipelines)
        }
        guard !pipelines.isEmpty else { return pushed }
        let live = Dictionary(pipelines.map { ($0.configuration.name, $0.status) }, uniquingKeysWith: { a, _ in a })
        return pushed.map { live[$0.camera] ?? $0 }
    }

    public var cameraNames: [String] { state.withLock { $0.order } }

    /// The newest picture of `camera` if newer than `version` (a copy the caller owns).
    public func snapshot(_ camera: String, newerThan version: UInt64 = 0) -> Snapshot? {
        state.withLock { state in
            guard let snapshot = state.cameras[camera]?.snapshot, snapshot.version > version else { return nil }
            return snapshot
        }
    }

    /// A stream of prediction messages (JSON) of every camera, until the consumer stops reading.
    public func feed(buffering limit: Int = 32) -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(limit))
        let id = state.withLock { state in
            let id = state.nextSubscriber
            state.nextSubscriber += 1
            state.subscribers[id] = continuation
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// True once `close()` ran: live streams end so the server can shut down.
    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Ends every feed and stream (shutdown).
    public func close() {
        let continuations = state.withLock { state in
            state.closed = true
            defer { state.subscribers.removeAll() }
            return Array(state.subscribers.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}
