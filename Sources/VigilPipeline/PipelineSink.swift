import VigilImage

/// Where a camera's results go: MQTT, Dapr, a display, the dashboard.
///
/// `deliver` is called on the camera's own thread right after scoring, so it must not block on
/// I/O: sinks hand the result to their own queue (the MQTT outbox, an HTTP task) and return.
/// `image` is the scored picture, valid only during the call (copy what must be kept).
public protocol PipelineSink: Sendable {
    func deliver(_ frame: ScoredFrame, image: RGBImage)
    /// The camera's status changed (connected, reconnecting, ended).
    func cameraStatusChanged(_ status: CameraStatus)
}

extension PipelineSink {
    public func cameraStatusChanged(_ status: CameraStatus) {}
}
