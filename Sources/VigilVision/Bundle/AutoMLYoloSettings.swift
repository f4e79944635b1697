import Foundation

/// The decoding constants of an Azure ML AutoML for images YOLOv5 object-detection export.
///
/// Defaults are those of the YOLO tab of the Azure ML article "Make predictions with ONNX on
/// computer vision models from AutoML" (how-to-inference-onnx-automl-image-models), which calls
/// `non_max_suppression(result, conf_thres=0.1, iou_thres=0.5)` from
/// `yolo_onnx_preprocessing_utils.py`; that function keeps at most `max_det = 300` boxes. The
/// same 0.1 and 0.5 are the article's `box_score_thresh` and `box_iou_thresh` for YOLO batch
/// models.
///
/// A bundle may override them through metadata (ONNX `metadata_props` or
/// `metadata_properties.json`), under AutoML's own setting names:
/// `box_score_threshold` (or `box_score_thresh`) and `nms_iou_threshold` (or `box_iou_thresh`).
public struct AutoMLYoloSettings: Sendable, Equatable {
    /// A row is kept when its objectness, and then objectness × best class score, exceed this.
    /// Default 0.1.
    public var confidenceThreshold: Double = 0.1
    /// Greedy NMS drops a box whose IoU with a kept box of the same class is above this.
    /// Default 0.5.
    public var iouThreshold: Double = 0.5
    /// At most this many detections per image, best first. Default 300.
    public var maxDetections: Int = 300

    public init() {}

    /// The defaults, overridden by the bundle's metadata keys; a key with a value that is not a
    /// number in 0...1 fails the load, naming the key.
    init(metadata: [String: String], file: String) throws {
        func threshold(_ keys: [String]) throws -> Double? {
            guard let key = keys.first(where: { metadata[$0] != nil }), let text = metadata[key] else { return nil }
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), (0...1).contains(value) else {
                throw VisionError(.model, file, "metadata \(key) '\(text)' is not a threshold between 0 and 1")
            }
            return value
        }
        if let value = try threshold(["box_score_threshold", "box_score_thresh"]) { confidenceThreshold = value }
        if let value = try threshold(["nms_iou_threshold", "box_iou_thresh"]) { iouThreshold = value }
    }
}
