import Foundation
import VigilCore
import VigilEngine

/// Turns the outputs of an Azure ML AutoML Faster R-CNN, RetinaNet or Mask R-CNN export into
/// Custom Vision predictions, as the Azure ML article "Make predictions with ONNX on computer
/// vision models from AutoML" (Faster R-CNN / RetinaNet tab) does in `_get_prediction`.
///
/// The export has already suppressed and thresholded in its graph: `boxes` [n, 4] are
/// x_min, y_min, x_max, y_max in the pixels of the model input (`width` × `height`, to which the
/// whole image was resized), `labels` [n] index labels.json (whose first entry is AutoML's
/// background class `--bg--`), `scores` [n], best first. Each box is divided by the input size
/// (`_get_box_dims`), which normalises it to the original image, and emitted as
/// `{left, top, width, height}`; boxes and probabilities are rounded with `SeedRounding.round8`
/// as for the other detectors. Mask R-CNN's `masks` are not read.
public struct AutoMLRCNNDecoder: Sendable {
    public let outputs: AutoMLRCNNOutputs
    public let labels: [String]
    public let inputWidth: Int
    public let inputHeight: Int

    public init(outputs: AutoMLRCNNOutputs, labels: [String], inputWidth: Int, inputHeight: Int) {
        self.outputs = outputs
        self.labels = labels
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
    }

    /// Why a run's outputs cannot be read as detections.
    public struct DecodeError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Reads the three outputs of a run by name.
    public func decode(_ values: [String: Tensor]) throws -> [Prediction] {
        guard let boxes = values[outputs.boxes], let labelIndices = values[outputs.labels], let scores = values[outputs.scores] else {
            throw DecodeError(description: "the run did not produce '\(outputs.boxes)', '\(outputs.labels)' and '\(outputs.scores)'")
        }
        let count = scores.count
        guard boxes.shape == [count, 4], labelIndices.count == count, scores.dtype == .float32, boxes.dtype == .float32 else {
            throw DecodeError(description: "outputs '\(outputs.boxes)' \(boxes.shape), '\(outputs.labels)' \(labelIndices.shape) and '\(outputs.scores)' \(scores.shape) are not n boxes [n, 4] with n labels and n scores")
        }
        let corners = boxes.floats, probabilities = scores.floats
        let classes: [Int] = labelIndices.dtype == .float32 ? labelIndices.floats.map { Int($0) } : labelIndices.ints.map { Int($0) }
        let width = Double(inputWidth), height = Double(inputHeight)
        return try (0..<count).map { row in
            let label = classes[row]
            guard labels.indices.contains(label) else {
                throw DecodeError(description: "detection \(row) has label \(label), outside the \(labels.count) entries of labels.json")
            }
            let x0 = Double(corners[row * 4]) / width, y0 = Double(corners[row * 4 + 1]) / height
            let x1 = Double(corners[row * 4 + 2]) / width, y1 = Double(corners[row * 4 + 3]) / height
            let bounds = BoundingBox(left: SeedRounding.round8(x0), top: SeedRounding.round8(y0),
                                     width: SeedRounding.round8(x1 - x0), height: SeedRounding.round8(y1 - y0))
            return Prediction(probability: SeedRounding.round8(Double(probabilities[row])), tagId: .index(label),
                              tagName: labels[label], boundingBox: bounds)
        }
    }
}

/// Which graph outputs of an AutoML R-CNN export hold the first image's detections.
public struct AutoMLRCNNOutputs: Sendable, Equatable {
    public enum Flavour: String, Sendable, Equatable {
        case fasterRCNN = "Faster R-CNN"
        case retinaNet = "RetinaNet"
        case maskRCNN = "Mask R-CNN"
    }

    public var flavour: Flavour
    public var boxes: String
    public var labels: String
    public var scores: String
}
