import Foundation

/// Reads the predictions out of a message sent to the display, whichever envelope it came in.
///
/// Accepted forms, unwrapped in any combination:
/// - the Custom Vision prediction document `{"created", "id", "iteration", "predictions", "project"}`;
///   unknown keys are ignored, so Vigil's MQTT message (the document plus `camera`, `frameTime`,
///   `model`) is read the same way;
/// - that JSON wrapped in a JSON string literal (`"{\"created\": …}"`), as the seed's capture
///   module sent it (`json.dumps` of the response text);
/// - a Dapr CloudEvent `{"specversion": "1.0", "data": …}` whose `data` is the document, the
///   document as a string, or `data_base64` of its bytes.
///
/// Only `probability` (a number) and `tagName` (a string) are required of each prediction;
/// `tagId` may be a string, an integer or absent, and `boundingBox` null or absent.
public enum PredictionPayload {
    /// A payload that is not JSON or not of a shape with predictions; the description names the JSON path.
    public struct Malformed: Error, CustomStringConvertible, Sendable, Equatable {
        public let detail: String
        init(_ detail: String) { self.detail = detail }
        public var description: String { "malformed prediction payload: \(detail)" }
    }

    /// How many envelopes (string literals, CloudEvents) may wrap the document.
    static let maximumNesting = 4

    /// The predictions in `bytes`.
    ///
    /// - Throws: `PredictionPayload.Malformed` naming the offending path, e.g.
    ///   `predictions[2].probability is not a number (a string)`.
    public static func parse(_ bytes: some Collection<UInt8>) throws -> [Prediction] {
        try unwrap(bytes, path: "", depth: 0)
    }

    private static func unwrap(_ bytes: some Collection<UInt8>, path: String, depth: Int) throws -> [Prediction] {
        guard bytes.contains(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else {
            throw PredictionPayload.Malformed(path.isEmpty ? "empty payload" : "\(path) is empty")
        }
        let value: PayloadJSON
        do {
            value = try PayloadJSON.parse(bytes)
        } catch {
            let place = path.isEmpty ? "payload" : path
            throw PredictionPayload.Malformed("\(place) is not valid JSON (\(reason(error)))")
        }
        return try unwrap(value, path: path, depth: depth)
    }

    private static func unwrap(_ value: PayloadJSON, path: String, depth: Int) throws -> [Prediction] {
        guard depth < maximumNesting else {
            throw PredictionPayload.Malformed("\(name(path)) nests more than \(maximumNesting) envelopes")
        }
        switch value {
        case .string(let text):
            return try unwrap(Array(text.utf8), path: path, depth: depth + 1)
        case .object(let object):
            if let predictions = object["predictions"] {
                return try parsePredictions(predictions, path: join(path, "predictions"))
            }
            if let data = object["data"] {
                return try unwrap(data, path: join(path, "data"), depth: depth + 1)
            }
            if let encoded = object["data_base64"] {
                guard case .string(let text) = encoded, let data = Data(base64Encoded: text) else {
                    throw PredictionPayload.Malformed("\(join(path, "data_base64")) is not a base64 string")
                }
                return try unwrap(Array(data), path: join(path, "data_base64"), depth: depth + 1)
            }
            let keys = object.keys.sorted().joined(separator: ", ")
            throw PredictionPayload.Malformed(
                "\(name(path)) has no \"predictions\" (nor a CloudEvent \"data\"); its keys are: \(keys)")
        default:
            throw PredictionPayload.Malformed(
                "\(name(path)) is \(value.kind), not a prediction document, JSON string or CloudEvent")
        }
    }

    private static func parsePredictions(_ value: PayloadJSON, path: String) throws -> [Prediction] {
        guard case .array(let items) = value else {
            throw PredictionPayload.Malformed("\(path) is not an array (\(value.kind))")
        }
        return try items.enumerated().map { i, item in try parsePrediction(item, path: "\(path)[\(i)]") }
    }

    private static func parsePrediction(_ value: PayloadJSON, path: String) throws -> Prediction {
        guard case .object(let object) = value else {
            throw PredictionPayload.Malformed("\(path) is not an object (\(value.kind))")
        }
        let probability = try number(object, "probability", path: path)
        guard let nameValue = object["tagName"] else { throw PredictionPayload.Malformed("\(path).tagName is missing") }
        guard case .string(let tagName) = nameValue else {
            throw PredictionPayload.Malformed("\(path).tagName is not a string (\(nameValue.kind))")
        }
        let tagId: Prediction.TagID
        switch object["tagId"] {
        case nil, .null?: tagId = .string("")
        case .string(let id)?: tagId = .string(id)
        case .number(let n)? where n == n.rounded() && abs(n) < 1e15: tagId = .index(Int(n))
        case let other?: throw PredictionPayload.Malformed("\(path).tagId is not a string or an integer (\(other.kind))")
        }
        var box: BoundingBox?
        switch object["boundingBox"] {
        case nil, .null?: box = nil
        case .object(let b)?:
            let boxPath = "\(path).boundingBox"
            box = BoundingBox(
                left: try number(b, "left", path: boxPath), top: try number(b, "top", path: boxPath),
                width: try number(b, "width", path: boxPath), height: try number(b, "height", path: boxPath))
        case let other?: throw PredictionPayload.Malformed("\(path).boundingBox is not an object (\(other.kind))")
        }
        return Prediction(probability: probability, tagId: tagId, tagName: tagName, boundingBox: box)
    }

    private static func number(_ object: [String: PayloadJSON], _ key: String, path: String) throws -> Double {
        switch object[key] {
        case .number(let n)?: return n
        case nil: throw PredictionPayload.Malformed("\(path).\(key) is missing")
        case let other?: throw PredictionPayload.Malformed("\(path).\(key) is not a number (\(other.kind))")
        }
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    private static func name(_ path: String) -> String { path.isEmpty ? "the payload" : path }

    /// The parser's own words for a JSON syntax error, without Swift's type dump.
    private static func reason(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            if let underlying = context.underlyingError as NSError?,
               let debug = underlying.userInfo[NSDebugDescriptionErrorKey] as? String {
                return debug
            }
            return context.debugDescription
        }
        return "\(error)"
    }
}
