import Foundation

/// One sample's entry in a reference `predictions.json`.
public struct ReferenceDocument {
    public let top: String
    /// (tagName, probability) in document order.
    public let predictions: [(tag: String, probability: Double)]
}

/// Reads `reference/predictions.json` of a Custom Vision export folder, keyed by sample file name.
public func referencePredictions(_ export: URL) throws -> [String: ReferenceDocument] {
    let data = try Data(contentsOf: export.appendingPathComponent("reference/predictions.json"))
    let object = try JSONSerialization.jsonObject(with: data) as! [String: [String: Any]]
    var result: [String: ReferenceDocument] = [:]
    for (name, document) in object {
        let predictions = (document["predictions"] as! [[String: Any]]).map {
            (tag: $0["tagName"] as! String, probability: ($0["probability"] as! NSNumber).doubleValue)
        }
        result[name] = ReferenceDocument(top: document["top"] as! String, predictions: predictions)
    }
    return result
}
