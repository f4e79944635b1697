import Foundation
import Testing
import VigilCore
import VigilEngine
import VigilImage
import VigilONNX
import VigilTestSupport
@testable import VigilVision

/// Azure ML AutoML for images Faster R-CNN, RetinaNet and Mask R-CNN exports: torchvision's
/// detectors exported as AutoML does (opset 11, in-graph transform, RPN NMS inside an If,
/// RoIAlign over the FPN levels, outputs boxes_0 / labels_0 / scores_0 of data-dependent size),
/// around a tiny backbone with seeded weights. `scripts/make-automl-rcnn-fixtures.py` made them
/// and their references with ONNX Runtime; they live in Tests/Goldens/automl-rcnn.
@Suite struct AutoMLRCNNTests {
    static let folder = SharedAssets.packageRoot.appendingPathComponent("Tests/Goldens/automl-rcnn")
    static let models = ["faster-rcnn", "retinanet", "mask-rcnn"]

    /// Every output of the first image, at 1 and 2 threads: the same number of detections as ONNX
    /// Runtime, labels equal, boxes, scores and masks within 1e-4 + 1e-3·|reference|.
    @Test(arguments: models)
    func export_rawOutputsMatchONNXRuntime(_ name: String) throws {
        let directory = Self.folder.appendingPathComponent(name)
        let model = try ONNXImporter.load(contentsOf: directory.appendingPathComponent("model.onnx"))
        let input = try NumpyArray.read(contentsOf: directory.appendingPathComponent("input.npy"))
        for threads in [1, 2] {
            let prepared = try PreparedModel(graph: model.graph, options: SessionOptions(threads: threads, inputShapes: ["input": input.shape]))
            #expect(prepared.isDynamic)
            let session = InferenceSession(model: prepared)
            let outputs = try session.run(["input": Tensor(shape: input.shape, floats: input.floats)])
            #expect(outputs.count == model.graph.outputs.count)
            for output in model.graph.outputs {
                let expected = try NumpyArray.read(contentsOf: directory.appendingPathComponent("\(output).npy"))
                let actual = try #require(outputs[output], "\(name) \(output) missing")
                #expect(actual.shape == expected.shape, "\(name) \(output) threads \(threads): shape \(actual.shape) vs \(expected.shape)")
                guard actual.shape == expected.shape else { continue }
                if case .int64(let labels) = expected.elements {
                    #expect(actual.ints == labels, "\(name) \(output): labels differ")
                } else {
                    let (excess, index) = worstExcess(actual.floats, expected.floats, abs: 1e-4, rel: 1e-3)
                    #expect(excess <= 0, "\(name) \(output) threads \(threads): worst at \(index) exceeds by \(excess)")
                }
            }
        }
    }

    @Test(arguments: [("faster-rcnn", AutoMLRCNNOutputs.Flavour.fasterRCNN), ("retinanet", .retinaNet), ("mask-rcnn", .maskRCNN)])
    func bundle_isRecognisedWithItsFlavourAndInput(_ name: String, _ flavour: AutoMLRCNNOutputs.Flavour) throws {
        let bundle = try ModelBundle.load(Self.folder.appendingPathComponent(name))
        guard case .autoMLRCNN(let outputs) = bundle.task else { Issue.record("task \(bundle.task)"); return }
        #expect(outputs.flavour == flavour)
        #expect(outputs.boxes == "boxes_0" && outputs.labels == "labels_0" && outputs.scores == "scores_0")
        #expect(bundle.task.isDetection)
        #expect(bundle.labels.first == "--bg--" && bundle.labels.count == 5)
        // Faster R-CNN and RetinaNet take the graph's 160×120; Mask R-CNN's size is symbolic: 800×600.
        let (width, height) = name == "mask-rcnn" ? (800, 600) : (160, 120)
        #expect(bundle.contract == .autoMLObjectDetectionRCNN(width: width, height: height))
    }

    /// The same graph without labels.json is no AutoML bundle: its outputs of data-dependent size
    /// are refused by name rather than misread as class scores.
    @Test func dynamicOutputs_outsideAnAutoMLBundle_areRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-rcnn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Self.folder.appendingPathComponent("faster-rcnn/model.onnx"),
                                         to: folder.appendingPathComponent("model.onnx"))
        let error = try #require(throws: VisionError.self) { try ModelBundle.load(folder) }
        #expect(error.description.contains("output 'boxes_0' has a size that depends on the image"), "\(error)")
    }

    /// The reference predictions (the article's `_get_prediction`: boxes / input size) from the
    /// reference input tensor.
    @Test(arguments: ["faster-rcnn", "retinanet"])
    func predictor_givesTheReferencePredictions(_ name: String) throws {
        let directory = Self.folder.appendingPathComponent(name)
        let predictor = try Predictor(bundle: try ModelBundle.load(directory), threads: 1)
        let input = try NumpyArray.read(contentsOf: directory.appendingPathComponent("input.npy"))
        let predictions = try predictor.predict(tensor: input.floats)
        let expected = try Self.referencePredictions(directory)
        #expect(predictions.count == expected.count && !expected.isEmpty)
        for (ours, theirs) in zip(predictions, expected) {
            #expect(ours.tagName == theirs.tagName && ours.tagId == .index(theirs.label))
            #expect(abs(ours.probability - theirs.probability) <= 1e-3)
            let box = try #require(ours.boundingBox)
            let deltas = [box.left - theirs.box.left, box.top - theirs.box.top, box.width - theirs.box.width, box.height - theirs.box.height]
            #expect(deltas.allSatisfy { abs($0) <= 1e-3 }, "\(ours.tagName): \(box) vs \(theirs.box)")
        }
    }

    /// The image path: Pillow's bicubic stretch to the input and ImageNet normalisation give the
    /// script's input tensor, so the predictions are the reference's.
    @Test func image_isPreprocessedAsTheArticleDoes() throws {
        guard let media = SharedAssets.media else { print(SharedAssets.missingMessage); return }
        let directory = Self.folder.appendingPathComponent("faster-rcnn")
        let bundle = try ModelBundle.load(directory)
        let data = try Data(contentsOf: media.appendingPathComponent("fruit/test-images__IMG_TEST_1.jpg"))
        let image = try ImageDecoder.decode(data, name: "IMG_TEST_1.jpg")
        let tensor = Preprocessor(contract: bundle.contract).run(image)
        let expected = try NumpyArray.read(contentsOf: directory.appendingPathComponent("input.npy"))
        #expect(tensor.count == expected.count)
        let (excess, index) = worstExcess(tensor, expected.floats, abs: 1e-5, rel: 0)
        #expect(excess <= 0, "input tensor differs at \(index) by \(excess) more than 1e-5")
        let predictions = try Predictor(bundle: bundle, threads: 2).predict(imageData: data, name: "IMG_TEST_1.jpg")
        #expect(predictions.map(\.tagName) == (try Self.referencePredictions(directory)).map(\.tagName))
    }

    struct Reference {
        let tagName: String
        let label: Int
        let probability: Double
        let box: BoundingBox
    }

    static func referencePredictions(_ directory: URL) throws -> [Reference] {
        let data = try Data(contentsOf: directory.appendingPathComponent("predictions.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let list = try #require(root["predictions"] as? [[String: Any]])
        return try list.map { entry in
            let box = try #require(entry["boundingBox"] as? [String: Double])
            return Reference(tagName: try #require(entry["tagName"] as? String), label: try #require(entry["label"] as? Int),
                             probability: try #require(entry["probability"] as? Double),
                             box: BoundingBox(left: box["left"]!, top: box["top"]!, width: box["width"]!, height: box["height"]!))
        }
    }
}
