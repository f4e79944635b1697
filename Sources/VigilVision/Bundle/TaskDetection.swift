import Foundation
import VigilEngine

/// Decides from the output shape, the graph and the metadata whether a model classifies or detects.
enum TaskDetection {
    static func detect(outputShape: [Int], graph: Graph, output: String, labelCount: Int?, metadata: [String: String],
                       kind: ModelBundle.Kind, file: String) throws -> ModelTask {
        if kind == .autoML, outputShape.count == 3 {
            return try autoMLYolo(outputShape: outputShape, output: output, labelCount: labelCount, metadata: metadata, file: file)
        }
        let method = metadata["CustomVision.Postprocess.Method"]
        if outputShape.count == 4 {
            var settings = YoloSettings()
            if let biases = metadata["CustomVision.Postprocess.Yolo.Biases"] {
                let values = parseNumbers(biases)
                guard values.count >= 2, values.count % 2 == 0 else {
                    throw VisionError(.model, file, "metadata CustomVision.Postprocess.Yolo.Biases '\(biases)' is not a list of (w, h) pairs")
                }
                let anchors = stride(from: 0, to: values.count, by: 2).map { (values[$0], values[$0 + 1]) }
                // The export's own object_detection.py hard-codes the anchors to 3 significant digits;
                // when the metadata says the same anchors more precisely, decode as that code does.
                if !sameToThreeDigits(anchors, YoloSettings.customVisionAnchors) { settings.anchors = anchors }
            }
            if let nms = metadata["CustomVision.Postprocess.Yolo.NmsThreshold"].flatMap(Double.init) { settings.nmsThreshold = nms }
            let anchors = settings.anchors.count
            // NCHW [1, A(5+C), H, W], or NHWC [1, H, W, A(5+C)].
            let channelsFirst = outputShape[1] % anchors == 0 && outputShape[1] / anchors > 5
            let channelsLast = outputShape[3] % anchors == 0 && outputShape[3] / anchors > 5
            guard channelsFirst || channelsLast, method == nil || method == "Yolo" else {
                throw VisionError(.model, file, "output '\(output)' \(outputShape) is neither a class-score vector nor a YOLO grid of \(anchors) anchors")
            }
            settings.channelsLast = !channelsFirst
            if let labelCount {
                let perAnchor = (channelsFirst ? outputShape[1] : outputShape[3]) / anchors
                guard perAnchor == 5 + labelCount else {
                    throw VisionError(.model, file, "output '\(output)' \(outputShape) holds \(perAnchor - 5) classes per anchor, but there are \(labelCount) labels")
                }
            }
            return .yoloDetection(settings)
        }
        guard outputShape.count <= 2, outputShape.dropLast().allSatisfy({ $0 == 1 }) else {
            throw VisionError(.model, file, "output '\(output)' has shape \(outputShape); Vigil reads class scores [1, C] or a YOLO grid [1, A·(5+C), H, W]")
        }
        // Scores straight from Softmax/Sigmoid are used as they are; AutoML classifiers give logits.
        let producer = graph.producers()[output].map { graph.nodes[$0].opType }
        let normalised = producer == "Softmax" || producer == "Sigmoid"
        if !normalised, kind == .autoML {
            let multilabel = metadata["multilabel"] == "true" || metadata["task_type"] == "image-classification-multilabel"
            return .classification(activation: multilabel ? .sigmoid : .softmax)
        }
        return .classification(activation: nil)
    }

    static func sameToThreeDigits(_ a: [(Double, Double)], _ b: [(Double, Double)]) -> Bool {
        func round3(_ v: Double) -> Double {
            guard v != 0 else { return 0 }
            let scale = pow(10, 2 - floor(log10(abs(v))))
            return (v * scale).rounded() / scale
        }
        return a.count == b.count && zip(a, b).allSatisfy { round3($0.0) == $1.0 && round3($0.1) == $1.1 }
    }

    static func parseNumbers(_ text: String) -> [Double] {
        text.split(whereSeparator: { "[], \t\n".contains($0) }).compactMap { Double($0) }
    }
}

extension ModelTask {
    /// How many classes the output holds.
    func classCount(outputShape: [Int]) -> Int {
        switch self {
        case .classification: return outputShape.last ?? 1
        case .yoloDetection(let settings):
            let channels = settings.channelsLast ? outputShape[3] : outputShape[1]
            return channels / settings.anchors.count - 5
        case .autoMLYolo:
            return outputShape[2] - 5
        case .autoMLRCNN:
            return 0
        }
    }
}
