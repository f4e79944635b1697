import Foundation
import VigilCore

/// One frame of a camera after scoring: what the model said, and when each step happened.
public struct ScoredFrame: Sendable {
    /// The camera's name.
    public var camera: String
    /// The model that scored the frame (its name), or the remote endpoint's host.
    public var model: String
    /// The source's frame counter.
    public var sequence: UInt64
    /// Position on the source's own timeline, in seconds.
    public var presentationTime: Double
    /// Wall-clock time the frame was decoded.
    public var frameTime: Date
    /// Size of the scored image (after any region of interest).
    public var width: Int
    public var height: Int
    public var predictions: [Prediction]
    /// Seconds spent scoring (preprocess + inference + decode, or the remote round trip).
    public var scoringSeconds: Double

    public init(camera: String, model: String, sequence: UInt64, presentationTime: Double, frameTime: Date,
                width: Int, height: Int, predictions: [Prediction], scoringSeconds: Double) {
        self.camera = camera
        self.model = model
        self.sequence = sequence
        self.presentationTime = presentationTime
        self.frameTime = frameTime
        self.width = width
        self.height = height
        self.predictions = predictions
        self.scoringSeconds = scoringSeconds
    }

    /// The Custom Vision prediction document of this frame.
    public var document: PredictionDocument {
        PredictionDocument(iteration: model, created: PredictionDocument.createdNow(frameTime), predictions: predictions)
    }

    /// The message published for this frame: the Custom Vision document plus `camera`,
    /// `frameTime` (ISO 8601 UTC, milliseconds), `model` and `sequence`. Keys sorted.
    public func messageJSON() -> String {
        let doc = document
        var out = "{\"camera\":" + JSONText.string(camera)
        out += ",\"created\":" + (doc.created.map(JSONText.string) ?? "null")
        out += ",\"frameTime\":" + JSONText.string(Self.iso8601(frameTime))
        out += ",\"id\":" + JSONText.string(doc.id)
        out += ",\"iteration\":" + JSONText.string(doc.iteration)
        out += ",\"model\":" + JSONText.string(model)
        out += ",\"predictions\":[" + predictions.map { $0.jsonString() }.joined(separator: ",") + "]"
        out += ",\"project\":" + JSONText.string(doc.project)
        out += ",\"sequence\":\(sequence)"
        return out + "}"
    }

    /// `2026-11-24T22:30:01.123Z`.
    public static func iso8601(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        return UTCTime.secondText(seconds) + "." + UTCTime.fraction(Int(millis - seconds * 1000), digits: 3) + "Z"
    }

    /// Detections (or classifications) per tag at or above `threshold`: the `<prefix>/<camera>/<tag>` counts.
    public func counts(threshold: Double) -> [String: Int] {
        var counts: [String: Int] = [:]
        for prediction in predictions where prediction.probability >= threshold {
            counts[prediction.tagName, default: 0] += 1
        }
        return counts
    }
}
