import Foundation

/// One camera of a pipeline: where its frames come from, how often they are scored and by what.
///
/// Defaults follow the seed's camera-capture module: score every frame the model keeps up with,
/// no region of interest, no resizing or grey conversion before remote scoring.
public struct CameraConfiguration: Sendable, Equatable {
    /// How a file source is paced.
    public enum Pacing: String, Sendable, Equatable, CaseIterable {
        /// Frames are delivered at the rate their timestamps say, as a camera would.
        case realtime
        /// Frames are delivered as fast as they decode (benchmarks, batch scoring).
        case fast
    }

    /// RTSP transport.
    public enum Transport: String, Sendable, Equatable, CaseIterable {
        case tcp, udp
    }

    /// A rectangle in source pixels.
    public struct Region: Sendable, Equatable {
        public var x: Int
        public var y: Int
        public var width: Int
        public var height: Int
        public init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x; self.y = y; self.width = width; self.height = height
        }
    }

    /// Unique name; used in topics, metrics and the dashboard. Letters, digits, `-` and `_`.
    public var name: String
    /// What to read, as the seed's VIDEO_PATH: a webcam index, a device, a file, a folder or a URL.
    public var source: String
    /// Files and folders start again at the end instead of ending. Default false.
    public var loop: Bool = false
    /// File pacing. Default realtime.
    public var pacing: Pacing = .realtime
    /// RTSP transport. Default tcp (UDP loses packets on busy Wi-Fi).
    public var rtspTransport: Transport = .tcp
    /// V4L2 capture size and rate; nil keeps the device's default.
    public var captureWidth: Int?
    public var captureHeight: Int?
    public var captureFPS: Int?
    /// V4L2 pixel format (e.g. `mjpeg`, `yuyv422`); nil keeps the device's default.
    public var pixelFormat: String?
    /// Frames scored per second at most; 0 scores every frame the model keeps up with. Default 0.
    public var fps: Double = 0
    /// The model (by name) that scores this camera's frames; nil: the first model.
    public var model: String?
    /// A Custom-Vision-compatible scoring URL (the seed's IMAGE_PROCESSING_ENDPOINT); when set,
    /// frames are posted there as JPEG instead of being scored in process.
    public var endpoint: URL?
    /// Query parameters added to the endpoint URL (the seed's IMAGE_PROCESSING_PARAMS).
    public var endpointParameters: [String: String] = [:]
    /// Only this part of the frame is scored; nil: the whole frame.
    public var regionOfInterest: Region?
    /// Frames sent to a remote endpoint are resized to this size first (RESIZE_WIDTH/HEIGHT).
    public var resizeWidth: Int?
    public var resizeHeight: Int?
    /// Frames sent to a remote endpoint are converted to grey first (CONVERT_TO_GRAY).
    public var convertToGray: Bool = false
    /// What makes an event on this camera; nil (default): no events.
    public var events: EventRules?
    /// Record a clip per event (needs `events`). Default true when events are on.
    public var recordsClips: Bool = true

    public init(name: String, source: String) {
        self.name = name
        self.source = source
    }
}
