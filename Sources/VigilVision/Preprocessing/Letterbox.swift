/// Where an image lands in a letterboxed model input: scale, resized size and padding, worked out
/// as Azure ML AutoML's YOLO sample code does.
///
/// The rules are those of `letterbox` in `yolo_onnx_preprocessing_utils.py` (the helper the Azure
/// ML article "Make predictions with ONNX on computer vision models from AutoML" points to for
/// YOLO; it is Ultralytics' YOLOv5 letterbox). AutoML's `preprocess` calls it with `auto=False`,
/// `scaleup=False`, so an image smaller than the input is padded, not enlarged. With source w × h
/// and input W × H:
///
///     r = min(H / h, W / w)                          in double; then min(r, 1) unless scaleUp
///     new_w, new_h = int(round(w · r)), int(round(h · r))        Python round: half to even
///     dw, dh = (W − new_w) / 2, (H − new_h) / 2
///     top, bottom = int(round(dh − 0.1)), int(round(dh + 0.1))
///     left, right = int(round(dw − 0.1)), int(round(dw + 0.1))
///
/// The pad colour is (114, 114, 114). The decoder undoes the same geometry (`unpad_bbox` in the
/// same file): it subtracts (left, top), clips to new_w × new_h and divides by it.
public struct Letterbox: Sendable, Equatable {
    /// The constant `cv2.copyMakeBorder` fills the padding with, per channel (0...255).
    public static let padValue: UInt8 = 114

    /// The upright image's size.
    public let sourceWidth: Int
    public let sourceHeight: Int
    /// The model input's size.
    public let targetWidth: Int
    public let targetHeight: Int
    /// `r`: input pixels per source pixel.
    public let scale: Double
    /// `new_unpad`: the resized image's size inside the input. At least 1 (the sample would fail
    /// on a side that rounds to 0).
    public let resizedWidth: Int
    public let resizedHeight: Int
    /// Padding, in input pixels, on each side; left + resizedWidth + right == targetWidth.
    public let left: Int
    public let top: Int
    public let right: Int
    public let bottom: Int

    public init(sourceWidth: Int, sourceHeight: Int, targetWidth: Int, targetHeight: Int, scaleUp: Bool = false) {
        precondition(sourceWidth > 0 && sourceHeight > 0 && targetWidth > 0 && targetHeight > 0, "letterbox of an empty image")
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        self.targetWidth = targetWidth
        self.targetHeight = targetHeight
        var r = min(Double(targetHeight) / Double(sourceHeight), Double(targetWidth) / Double(sourceWidth))
        if !scaleUp { r = min(r, 1) }
        scale = r
        resizedWidth = min(targetWidth, max(1, Int((Double(sourceWidth) * r).rounded(.toNearestOrEven))))
        resizedHeight = min(targetHeight, max(1, Int((Double(sourceHeight) * r).rounded(.toNearestOrEven))))
        let dw = Double(targetWidth - resizedWidth) / 2, dh = Double(targetHeight - resizedHeight) / 2
        top = Int((dh - 0.1).rounded(.toNearestOrEven))
        bottom = Int((dh + 0.1).rounded(.toNearestOrEven))
        left = Int((dw - 0.1).rounded(.toNearestOrEven))
        right = Int((dw + 0.1).rounded(.toNearestOrEven))
    }

    /// Whether the image is used at its own size (the sample then skips `cv2.resize`).
    public var keepsSize: Bool { resizedWidth == sourceWidth && resizedHeight == sourceHeight }
}
