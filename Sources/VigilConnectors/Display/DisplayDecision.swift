import VigilCore

/// What the display shows for one prediction result: the most probable tag above the threshold,
/// or nothing.
///
/// This is the seed's `MessageParser.highestProbabilityTagMeetingThreshold`: a prediction counts
/// only when its probability is strictly greater than the threshold, and the first of equal
/// probabilities wins. A NaN probability never counts.
public struct DisplayDecision: Sendable, Hashable {
    /// The seed deployment's threshold (`THRESHOLD=0.6` in its deployment templates; the module
    /// itself fell back to 0 when the variable was unset).
    public static let defaultThreshold = 0.6

    /// The tag to show, or nil to show nothing.
    public let tagName: String?
    /// The tag's probability (0...1), or 0 when there is no tag.
    public let probability: Double

    /// Show nothing: the matrix goes dark.
    public static let nothing = DisplayDecision(tagName: nil, probability: 0)

    /// Show `tagName` with `probability`.
    public init(tagName: String?, probability: Double) {
        self.tagName = tagName
        self.probability = tagName == nil ? 0 : probability
    }

    /// The highest-probability prediction strictly above `threshold` (the first on ties), or nothing.
    public init(predictions: [Prediction], threshold: Double = DisplayDecision.defaultThreshold) {
        var best: Prediction?
        for prediction in predictions where prediction.probability > threshold {
            if best == nil || prediction.probability > best!.probability { best = prediction }
        }
        self.init(tagName: best?.tagName, probability: best?.probability ?? 0)
    }
}
