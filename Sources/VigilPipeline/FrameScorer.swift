import VigilCore
import VigilImage

/// Scores one picture: the embedded engine or a remote Custom Vision endpoint.
///
/// Called from camera threads (never from the cooperative pool), so an implementation may block
/// while it waits for a worker or a response. It is shared by cameras and must be thread-safe.
public protocol FrameScorer: Sendable {
    /// The model's name (or the endpoint's host) as reported with each prediction.
    var modelName: String { get }
    func score(_ image: RGBImage) throws -> [Prediction]
}
