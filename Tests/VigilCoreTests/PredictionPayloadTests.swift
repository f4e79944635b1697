import Foundation
import VigilCore
import XCTest

final class PredictionPayloadTests: XCTestCase {
    private let document = """
        {"created": "2024-05-01T12:00:00.123456", "id": "", "iteration": "",
         "predictions": [
           {"boundingBox": {"height": 0.5, "left": 0.1, "top": 0.2, "width": 0.25}, "probability": 0.9, "tagId": "a1", "tagName": "apple"},
           {"boundingBox": null, "probability": 0.1, "tagId": 3, "tagName": "banana"},
           {"probability": 0.05, "tagName": "lemon"}],
         "project": ""}
        """
    private var expected: [Prediction] {
        [
            Prediction(probability: 0.9, tagId: .string("a1"), tagName: "apple",
                       boundingBox: BoundingBox(left: 0.1, top: 0.2, width: 0.25, height: 0.5)),
            Prediction(probability: 0.1, tagId: .index(3), tagName: "banana"),
            Prediction(probability: 0.05, tagId: .string(""), tagName: "lemon"),
        ]
    }

    private func parse(_ text: String) throws -> [Prediction] {
        try PredictionPayload.parse(Array(text.utf8))
    }

    /// `text` as a JSON string literal, as Python's json.dumps of a string writes it.
    private func literal(_ text: String) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: text, options: .fragmentsAllowed), as: UTF8.self)
    }

    private func assertMalformed(_ text: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parse(text), file: file, line: line) { error in
            XCTAssertEqual((error as? PredictionPayload.Malformed) != nil, true, file: file, line: line)
            XCTAssertEqual("\(error)", "malformed prediction payload: " + message, file: file, line: line)
        }
    }

    func testParse_object() throws {
        XCTAssertEqual(try parse(document), expected)
    }

    func testParse_jsonStringLiteral() throws {
        XCTAssertEqual(try parse(try literal(document)), expected)
    }

    func testParse_vigilMQTTMessage_ignoresExtraKeys() throws {
        let message = document.replacingOccurrences(
            of: #""project": ""}"#,
            with: #""project": "", "camera": "door", "frameTime": 1714564800.5, "model": {"name": "fruit"}}"#)
        XCTAssertEqual(try parse(message), expected)
    }

    func testParse_cloudEventWithObjectData() throws {
        XCTAssertEqual(try parse(#"{"specversion": "1.0", "datacontenttype": "application/json", "id": "1", "data": \#(document)}"#), expected)
    }

    func testParse_cloudEventWithStringData() throws {
        XCTAssertEqual(try parse(#"{"specversion": "1.0", "datacontenttype": "text/plain", "data": \#(try literal(document))}"#), expected)
    }

    func testParse_cloudEventWithBase64Data() throws {
        let base64 = Data(document.utf8).base64EncodedString()
        XCTAssertEqual(try parse(#"{"specversion": "1.0", "data_base64": "\#(base64)"}"#), expected)
    }

    func testParse_noPredictions_isEmpty() throws {
        XCTAssertEqual(try parse(#"{"created": null, "predictions": []}"#), [])
    }

    func testParse_integerProbability_isNumber_booleanIsNot() throws {
        XCTAssertEqual(try parse(#"{"predictions": [{"probability": 1, "tagName": "a"}]}"#).first?.probability, 1)
        assertMalformed(#"{"predictions": [{"probability": true, "tagName": "a"}]}"#, "predictions[0].probability is not a number (a boolean)")
    }

    func testParse_probabilityNotNumber_namesIndex() {
        let text = #"{"predictions": [{"probability": 0.1, "tagName": "a"}, {"probability": 0.2, "tagName": "b"}, "#
            + #"{"probability": "0.9", "tagName": "c"}]}"#
        assertMalformed(text,
                        "predictions[2].probability is not a number (a string)")
    }

    func testParse_malformedInsideCloudEvent_namesPath() {
        assertMalformed(#"{"specversion": "1.0", "data": {"predictions": [{"probability": 0.9}]}}"#,
                        "data.predictions[0].tagName is missing")
    }

    func testParse_badBoundingBox_namesField() {
        let box = #"{"left": 0, "top": 0, "width": null, "height": 1}"#
        assertMalformed(#"{"predictions": [{"probability": 0.9, "tagName": "a", "boundingBox": \#(box)}]}"#,
                        "predictions[0].boundingBox.width is not a number (null)")
    }

    func testParse_predictionsNotArray() {
        assertMalformed(#"{"predictions": {"apple": 0.9}}"#, "predictions is not an array (an object)")
    }

    func testParse_noPredictionsKey_listsKeys() {
        assertMalformed(#"{"created": "x", "tags": []}"#,
                        #"the payload has no "predictions" (nor a CloudEvent "data"); its keys are: created, tags"#)
    }

    func testParse_topLevelNumber() {
        assertMalformed("42", "the payload is a number, not a prediction document, JSON string or CloudEvent")
    }

    func testParse_empty() {
        assertMalformed("  \n", "empty payload")
    }

    func testParse_notJSON_saysSo() {
        XCTAssertThrowsError(try parse("{\"predictions\": [")) { error in
            XCTAssertEqual((error as? PredictionPayload.Malformed) != nil, true)
            XCTAssertTrue("\(error)".hasPrefix("malformed prediction payload: payload is not valid JSON ("), "\(error)")
        }
    }

    func testParse_stringWrappingNotJSON_saysSo() {
        XCTAssertThrowsError(try parse(#""hello""#)) { error in
            XCTAssertTrue("\(error)".hasPrefix("malformed prediction payload: payload is not valid JSON ("), "\(error)")
        }
    }
}
