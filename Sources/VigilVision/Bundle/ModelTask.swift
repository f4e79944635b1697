/// What a model bundle does, and how its raw output becomes predictions.
public enum ModelTask: Sendable, Equatable, CustomStringConvertible {
    /// One score per label. `activation` is what still has to be applied to the output
    /// (nil when the graph ends in Softmax/Sigmoid already, as Custom Vision exports do).
    case classification(activation: ScoreActivation?)
    /// Custom Vision's YOLOv2 grid [1, A·(5+C), H, W] (NCHW) or [1, H, W, A·(5+C)] (NHWC).
    case yoloDetection(YoloSettings)
    /// Azure ML AutoML for images YOLOv5 rows [1, N, 5+C]: cx, cy, w, h in letterboxed input
    /// pixels, objectness, C class scores (see `AutoMLYoloDecoder`).
    case autoMLYolo(AutoMLYoloSettings)
    /// Azure ML AutoML for images Faster R-CNN, RetinaNet or Mask R-CNN: boxes, labels and
    /// scores already suppressed in the graph (see `AutoMLRCNNDecoder`).
    case autoMLRCNN(AutoMLRCNNOutputs)

    public var description: String {
        switch self {
        case .classification: return "classification"
        case .yoloDetection, .autoMLYolo, .autoMLRCNN: return "object detection"
        }
    }

    public var isDetection: Bool {
        switch self {
        case .classification: return false
        case .yoloDetection, .autoMLYolo, .autoMLRCNN: return true
        }
    }
}

/// Scores still to be normalised after the graph (AutoML exports give logits).
public enum ScoreActivation: Sendable, Equatable {
    case softmax
    case sigmoid
}

/// The decoding constants of a Custom Vision YOLOv2 export (its Docker export's `object_detection.py`).
public struct YoloSettings: Sendable, Equatable {
    /// Anchor (width, height) pairs in grid cells.
    public var anchors: [(Double, Double)]
    public var probabilityThreshold: Double = 0.10
    public var nmsThreshold: Double = 0.45
    public var maxDetections: Int = 20
    /// True when the grid is channel-last (TensorFlow flavour).
    public var channelsLast: Bool = false

    public static let customVisionAnchors: [(Double, Double)] = [
        (0.573, 0.677), (1.87, 2.06), (3.34, 5.47), (7.88, 3.53), (9.77, 9.17),
    ]

    public init(anchors: [(Double, Double)] = YoloSettings.customVisionAnchors) {
        self.anchors = anchors
    }

    public static func == (a: YoloSettings, b: YoloSettings) -> Bool {
        a.anchors.count == b.anchors.count && zip(a.anchors, b.anchors).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
            && a.probabilityThreshold == b.probabilityThreshold && a.nmsThreshold == b.nmsThreshold
            && a.maxDetections == b.maxDetections && a.channelsLast == b.channelsLast
    }
}
