import Foundation
import VigilCore

/// Decodes the rows of an Azure ML AutoML for images YOLOv5 export into Custom Vision
/// predictions, the way the Azure ML article "Make predictions with ONNX on computer vision
/// models from AutoML" (YOLO tab) does with `yolo_onnx_preprocessing_utils.py`.
///
/// Each of the N rows of the [1, N, 5 + C] output is cx, cy, w, h (letterboxed input pixels),
/// objectness, then C class scores, all already through the sigmoid in the export. Following
/// `non_max_suppression(conf_thres, iou_thres)` with its defaults (`multi_label=False`,
/// `agnostic=False`, `max_det=300`), in float32 as torch computes it:
///
/// 1. a row is a candidate when objectness > threshold;
/// 2. its score is max over c of (class score c × objectness), the class the first maximum
///    (`x[:, 5:].max(1)`), and it stays when that score > threshold;
/// 3. the box becomes corners: cx ∓ w/2, cy ∓ h/2 (`xywh2xyxy`);
/// 4. greedy NMS best-first (ties: lower row first), as `torchvision.ops.nms` on boxes offset by
///    class × 4096 (`max_wh`): a candidate is dropped when its IoU with an already kept box of
///    its class is > the IoU threshold; the offset keeps classes apart, so only same-class pairs
///    are compared, but on the offset coordinates so the float32 IoU is the reference's;
/// 5. at most `maxDetections` kept, best first.
///
/// Then `_convert_to_rcnn_output` / `unpad_bbox` and the article's `_get_box_dims`: subtract the
/// letterbox's left/top padding, clip to the resized image (`new_w × new_h`, see `Letterbox`),
/// and divide by that size in double. That normalises to the original image (the letterbox
/// keeps the aspect ratio) up to the rounding of `new_w`, `new_h`. Boxes and probabilities are
/// finally rounded with `SeedRounding.round8`, as for Custom Vision detections, and emitted as
/// `{left, top, width, height}` with `tagId` the class index, best first.
public struct AutoMLYoloDecoder: Sendable {
    public let settings: AutoMLYoloSettings
    public let labels: [String]
    /// The model input's size: the letterbox target.
    public let inputWidth: Int
    public let inputHeight: Int
    /// Whether the letterbox enlarged images smaller than the input (AutoML: false).
    public let scaleUp: Bool

    /// The class offset of the reference's batched NMS (`max_wh`), in input pixels.
    static let classOffset: Float = 4096

    public init(settings: AutoMLYoloSettings, labels: [String], inputWidth: Int, inputHeight: Int, scaleUp: Bool = false) {
        self.settings = settings
        self.labels = labels
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
        self.scaleUp = scaleUp
    }

    struct Candidate {
        var row: Int
        var classIndex: Int
        var score: Float
        /// Corners in letterboxed input pixels.
        var x0: Float, y0: Float, x1: Float, y1: Float
        /// The same corners offset by class × 4096, and their area, for NMS.
        var nx0: Float, ny0: Float, nx1: Float, ny1: Float
        var area: Float
    }

    /// output: the [1, rows, 5 + labels.count] tensor. imageSize: the upright image the input was
    /// letterboxed from; nil when the input tensor was given as is (boxes are then normalised to
    /// the input size).
    public func decode(_ output: UnsafeBufferPointer<Float>, rows: Int, imageSize: (width: Int, height: Int)?) -> [Prediction] {
        let classes = labels.count, stride = 5 + classes
        precondition(classes > 0 && output.count >= rows * stride, "output holds \(output.count) values, not \(rows) rows of \(stride)")
        let threshold = Float(settings.confidenceThreshold)
        var candidates: [Candidate] = []
        for row in 0..<rows {
            let base = row * stride
            let objectness = output[base + 4]
            guard objectness > threshold else { continue }
            var score = output[base + 5] * objectness, classIndex = 0
            for k in 1..<classes where output[base + 5 + k] * objectness > score {
                score = output[base + 5 + k] * objectness
                classIndex = k
            }
            guard score > threshold else { continue }
            let cx = output[base], cy = output[base + 1], w = output[base + 2], h = output[base + 3]
            let x0 = cx - w / 2, y0 = cy - h / 2, x1 = cx + w / 2, y1 = cy + h / 2
            let offset = Float(classIndex) * Self.classOffset
            let nx0 = x0 + offset, ny0 = y0 + offset, nx1 = x1 + offset, ny1 = y1 + offset
            candidates.append(Candidate(row: row, classIndex: classIndex, score: score, x0: x0, y0: y0, x1: x1, y1: y1,
                                        nx0: nx0, ny0: ny0, nx1: nx1, ny1: ny1, area: (nx1 - nx0) * (ny1 - ny0)))
        }
        candidates.sort { $0.score != $1.score ? $0.score > $1.score : $0.row < $1.row }

        var kept: [Candidate] = []
        for candidate in candidates {
            if kept.count >= settings.maxDetections { break }
            let suppressed = kept.contains { other in
                other.classIndex == candidate.classIndex && Double(Self.iou(other, candidate)) > settings.iouThreshold
            }
            if !suppressed { kept.append(candidate) }
        }

        let size = imageSize ?? (inputWidth, inputHeight)
        let box = Letterbox(sourceWidth: size.width, sourceHeight: size.height,
                            targetWidth: inputWidth, targetHeight: inputHeight, scaleUp: scaleUp)
        let width = Float(box.resizedWidth), height = Float(box.resizedHeight)
        let left = Float(box.left), top = Float(box.top)
        return kept.map { c in
            let x0 = Double(min(max(c.x0 - left, 0), width)) / Double(box.resizedWidth)
            let y0 = Double(min(max(c.y0 - top, 0), height)) / Double(box.resizedHeight)
            let x1 = Double(min(max(c.x1 - left, 0), width)) / Double(box.resizedWidth)
            let y1 = Double(min(max(c.y1 - top, 0), height)) / Double(box.resizedHeight)
            let bounds = BoundingBox(left: SeedRounding.round8(x0), top: SeedRounding.round8(y0),
                                     width: SeedRounding.round8(x1 - x0), height: SeedRounding.round8(y1 - y0))
            return Prediction(probability: SeedRounding.round8(Double(c.score)), tagId: .index(c.classIndex),
                              tagName: labels[c.classIndex], boundingBox: bounds)
        }
    }

    /// torchvision's `nms` overlap: intersection / (area a + area b − intersection), in float32.
    static func iou(_ a: Candidate, _ b: Candidate) -> Float {
        let w = max(0, min(a.nx1, b.nx1) - max(a.nx0, b.nx0))
        let h = max(0, min(a.ny1, b.ny1) - max(a.ny0, b.ny0))
        let intersection = w * h
        return intersection / (a.area + b.area - intersection)
    }
}
