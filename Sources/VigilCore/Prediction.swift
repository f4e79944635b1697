/// One entry of a Custom Vision prediction: a tag, its probability and, for detection, a box.
public struct Prediction: Sendable, Hashable {
    /// Custom Vision's tag id; the exports' own servers send "" for classification and the
    /// class index for detection, and Vigil does the same.
    public enum TagID: Sendable, Hashable {
        case string(String)
        case index(Int)
    }

    public var probability: Double
    public var tagId: TagID
    public var tagName: String
    public var boundingBox: BoundingBox?

    public init(probability: Double, tagId: TagID, tagName: String, boundingBox: BoundingBox? = nil) {
        self.probability = probability
        self.tagId = tagId
        self.tagName = tagName
        self.boundingBox = boundingBox
    }
}

/// The response document of a Custom Vision prediction: `{created, id, iteration, predictions, project}`.
public struct PredictionDocument: Sendable, Hashable {
    public var id: String
    public var project: String
    public var iteration: String
    /// `datetime.utcnow().isoformat()` of the prediction, or nil (written as null).
    public var created: String?
    public var predictions: [Prediction]

    public init(id: String = "", project: String = "", iteration: String = "", created: String?, predictions: [Prediction]) {
        self.id = id
        self.project = project
        self.iteration = iteration
        self.created = created
        self.predictions = predictions
    }

    /// The highest-probability tag (the first on ties), or nil when there are no predictions.
    public var top: Prediction? {
        predictions.enumerated().max { a, b in
            a.element.probability != b.element.probability ? a.element.probability < b.element.probability : a.offset > b.offset
        }?.element
    }
}
