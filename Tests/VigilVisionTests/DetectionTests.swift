import Foundation
import Testing
import VigilCore
import VigilTestSupport
@testable import VigilVision

/// The zoo's Custom-Vision-style tiny YOLOv2 gives the 20 detections of its detections.json.
@Suite struct DetectionTests {
    @Test func tinyYolo_givesReferenceDetections() throws {
        guard let models = SharedAssets.models else { print(SharedAssets.missingMessage); return }
        let folder = models.appendingPathComponent("zoo/cv_tiny_yolov2_416")
        let bundle = try ModelBundle.load(folder)
        #expect(bundle.task.isDetection)
        #expect(bundle.labels == ["class0", "class1"])
        let predictor = try Predictor(bundle: bundle, threads: 2)
        let input = try NumpyArray.read(contentsOf: folder.appendingPathComponent("input.npy"))
        let predictions = try predictor.predict(tensor: input.floats)

        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("detections.json"))) as! [String: Any]
        let expected = reference["predictions"] as! [[String: Any]]
        #expect(predictions.count == expected.count)
        for (ours, theirs) in zip(predictions, expected) {
            let box = theirs["boundingBox"] as! [String: Double]
            #expect(ours.tagName == theirs["tagName"] as! String)
            #expect(ours.tagId == .index(theirs["tagId"] as! Int))
            #expect(abs(ours.probability - (theirs["probability"] as! Double)) <= 1e-4)
            let b = try #require(ours.boundingBox)
            for (value, key) in [(b.left, "left"), (b.top, "top"), (b.width, "width"), (b.height, "height")] {
                #expect(abs(value - box[key]!) <= 1e-4, "\(key): \(value) vs \(box[key]!)")
            }
        }
    }

    @Test func yoloDecoder_suppressesOverlapsPerClassOnly() {
        // One cell, two anchors predicting the same box; classes differ for anchor 1.
        var settings = YoloSettings(anchors: [(1, 1), (1, 1)])
        settings.probabilityThreshold = 0.1
        let classes = 2, per = 5 + classes
        var grid = [Float](repeating: 0, count: 2 * per)   // [1, 14, 1, 1]
        grid[4] = 5; grid[5] = 5; grid[6] = -5              // anchor 0: class 0
        grid[per + 4] = 4; grid[per + 5] = 5; grid[per + 6] = -5   // anchor 1: class 0 again, weaker
        var decoder = YoloDecoder(settings: settings, labels: ["a", "b"])
        var predictions = grid.withUnsafeBufferPointer { decoder.decode($0, shape: [1, 2 * per, 1, 1]) }
        #expect(predictions.map(\.tagName) == ["a"], "the weaker same-class box is suppressed")
        grid[per + 5] = -5; grid[per + 6] = 5                // anchor 1 now class 1
        decoder = YoloDecoder(settings: settings, labels: ["a", "b"])
        predictions = grid.withUnsafeBufferPointer { decoder.decode($0, shape: [1, 2 * per, 1, 1]) }
        #expect(predictions.map(\.tagName) == ["a", "b"], "another class is never suppressed")
    }
}
