import Foundation
import Testing
import VigilCore

/// The prediction document is written exactly as the seed's Flask service writes it.
@Suite struct PredictionJSONTests {
    @Test(arguments: [
        (0.9999864101409912, "0.9999864101409912"), (1.0, "1.0"), (1.3000000365082087e-07, "1.3000000365082087e-07"),
        (0.0001, "0.0001"), (0.00001, "1e-05"), (1e16, "1e+16"), (123456789.0, "123456789.0"), (0.5, "0.5"),
        (5.5e-9, "5.5e-09"), (1.9999999878e-08, "1.9999999878e-08"), (0.1, "0.1"), (2.5e-05, "2.5e-05"),
    ])
    func number_isPythonRepr(_ value: Double, _ text: String) {
        #expect(JSONText.number(value) == text)
    }

    @Test func string_escapesLikeJSONDumps() {
        #expect(JSONText.string("Apple") == "\"Apple\"")
        #expect(JSONText.string("a\"b\\c\n") == "\"a\\\"b\\\\c\\n\"")
        #expect(JSONText.string("café 🍎") == "\"caf\\u00e9 \\ud83c\\udf4e\"")
    }

    @Test func seedRounding_followsFloat32Steps() {
        #expect(SeedRounding.round8(Float(0.99998641)) == Float(0.99998641))
        #expect(Double(SeedRounding.round8(Float(1e-8))) <= 1e-8, "float32 1e-8 is dropped by the > 1e-8 filter")
        #expect(Double(SeedRounding.round8(Float(1.5e-8))) > 1e-8, "1.5e-8 rounds to 2e-8 and is kept")
    }

    @Test func document_isCompactWithSortedKeys() {
        let document = PredictionDocument(created: "2026-11-24T17:13:22.755756", predictions: [
            Prediction(probability: 0.9999864101409912, tagId: .string(""), tagName: "Apple"),
            Prediction(probability: 0.5, tagId: .index(1), tagName: "car",
                       boundingBox: BoundingBox(left: 0.1, top: 0.2, width: 0.3, height: 0.4)),
        ])
        #expect(document.jsonString() == #"{"created":"2026-11-24T17:13:22.755756","id":"","iteration":"","predictions":[{"boundingBox":null,"probability":0.9999864101409912,"tagId":"","tagName":"Apple"},{"boundingBox":{"height":0.4,"left":0.1,"top":0.2,"width":0.3},"probability":0.5,"tagId":1,"tagName":"car"}],"project":""}"#)
    }

    @Test func created_omitsZeroMicroseconds() {
        #expect(PredictionDocument.createdNow(Date(timeIntervalSince1970: 1_795_000_000)) == "2026-11-18T11:06:40")
        #expect(PredictionDocument.createdNow(Date(timeIntervalSince1970: 1_795_000_000.25)) == "2026-11-18T11:06:40.250000")
    }
}
