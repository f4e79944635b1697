import Foundation
import VigilCore

/// Turns one score per label into predictions the way the seed's `predict.py` does: labels order,
/// each probability rounded with `SeedRounding.round8`, entries kept when the rounded value is
/// above 1e-8. Sorting, a threshold or a top-K are applied only when asked for.
public struct ClassificationDecoder: Sendable {
    public let labels: [String]
    public let activation: ScoreActivation?

    public init(labels: [String], activation: ScoreActivation?) {
        self.labels = labels
        self.activation = activation
    }

    public func decode(_ scores: UnsafeBufferPointer<Float>) -> [Prediction] {
        var probabilities = Array(scores.prefix(labels.count))
        switch activation {
        case .softmax?:
            let peak = probabilities.max() ?? 0
            var sum: Float = 0
            for i in probabilities.indices { probabilities[i] = expf(probabilities[i] - peak); sum += probabilities[i] }
            for i in probabilities.indices { probabilities[i] /= sum }
        case .sigmoid?:
            for i in probabilities.indices { probabilities[i] = 1 / (1 + expf(-probabilities[i])) }
        case nil:
            break
        }
        var predictions: [Prediction] = []
        for (index, p) in probabilities.enumerated() {
            let rounded = Double(SeedRounding.round8(p))
            if rounded > 1e-8 {
                predictions.append(Prediction(probability: rounded, tagId: .string(""), tagName: labels[index]))
            }
        }
        return predictions
    }
}

/// What a caller asks of the prediction list beyond the export's own behaviour.
public struct PredictionFilter: Sendable, Equatable {
    /// Keep predictions with probability ≥ this (nil: the export's own rule only).
    public var threshold: Double?
    /// Keep the K most probable, sorted by probability (nil: all, in the export's order).
    public var top: Int?

    public init(threshold: Double? = nil, top: Int? = nil) {
        self.threshold = threshold
        self.top = top
    }

    public func apply(_ predictions: [Prediction]) -> [Prediction] {
        var result = predictions
        if let threshold { result = result.filter { $0.probability >= threshold } }
        if let top {
            result = result.enumerated()
                .sorted { $0.element.probability != $1.element.probability ? $0.element.probability > $1.element.probability : $0.offset < $1.offset }
                .prefix(max(0, top)).map(\.element)
        }
        return result
    }
}
