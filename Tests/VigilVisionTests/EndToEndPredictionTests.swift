import Foundation
import Testing
import VigilCore
import VigilTestSupport
@testable import VigilVision

/// Sample images through the whole path (decode, the seed's preprocessing, the engine, the seed's
/// JSON rules) give the reference predictions.json of each native ONNX, TensorFlow and TFLite export.
@Suite struct EndToEndPredictionTests {
    @Test(arguments: ["cv-onnx-cat-or-dog", "cv-onnx-plankton", "cv-onnx-cheesecake-donuts-fries",
                      "cv-tf-apples-bananas", "cv-tf-fruits4", "cv-tf-fruits7-android", "cv-tflite-fruits7-android"])
    func nativeExport_matchesReferencePredictions(_ name: String) throws {
        guard let models = SharedAssets.models else { print(SharedAssets.missingMessage); return }
        let export = models.appendingPathComponent("customvision/\(name)")
        let predictor = try Predictor(bundle: try ModelBundle.load(export), threads: 2)
        let references = try referencePredictions(export)
        #expect(!references.isEmpty)
        for (sample, reference) in references.sorted(by: { $0.key < $1.key }) {
            let data = try Data(contentsOf: export.appendingPathComponent("samples/\(sample)"))
            let predictions = try predictor.predict(imageData: data, name: sample)
            let document = PredictionDocument(created: nil, predictions: predictions)
            #expect(document.top?.tagName == reference.top, "\(name)/\(sample): top \(document.top?.tagName ?? "none") vs \(reference.top)")
            // Same labels, except those whose reference score is noise at the 1e-8 cut.
            let ours = Dictionary(uniqueKeysWithValues: predictions.map { ($0.tagName, $0.probability) })
            let theirs = Dictionary(uniqueKeysWithValues: reference.predictions.map { ($0.tag, $0.probability) })
            for (tag, p) in theirs where p >= 1e-7 {
                guard let q = ours[tag] else { Issue.record("\(name)/\(sample): missing \(tag) (\(p))"); continue }
                #expect(abs(q - p) <= 1e-3, "\(name)/\(sample) \(tag): \(q) vs \(p)")
            }
            for (tag, q) in ours where theirs[tag] == nil {
                #expect(q < 1e-7, "\(name)/\(sample): extra \(tag) \(q)")
            }
            // Order follows the labels, as the seed's document does.
            let order = predictions.map(\.tagName).filter { theirs[$0] != nil }
            #expect(order == reference.predictions.map(\.tag).filter { ours[$0] != nil })
        }
    }

    @Test func referenceInput_givesIdenticalJSONText() throws {
        guard let models = SharedAssets.models else { print(SharedAssets.missingMessage); return }
        let export = models.appendingPathComponent("customvision/cv-onnx-cat-or-dog")
        let predictor = try Predictor(bundle: try ModelBundle.load(export), threads: 1)
        let input = try NumpyArray.read(contentsOf: export.appendingPathComponent("reference/dog1.jpg.input.npy"))
        let document = PredictionDocument(created: nil, predictions: try predictor.predict(tensor: input.floats))
        #expect(document.jsonString() == #"{"created":null,"id":"","iteration":"","predictions":[{"boundingBox":null,"probability":1.0,"tagId":"","tagName":"dog"}],"project":""}"#)
        #expect(document.top?.tagName == "dog")
    }
}
