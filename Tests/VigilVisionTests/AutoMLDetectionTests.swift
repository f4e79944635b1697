import Foundation
import Testing
import VigilCore
import VigilEngine
import VigilImage
import VigilONNX
@testable import VigilVision

/// Azure ML AutoML for images object detection, YOLOv5 flavour (model.onnx + labels.json).
///
/// No real AutoML detection export is available here, so the model is a synthetic ONNX graph
/// whose output is a constant [1, N, 5 + C] tensor of crafted rows; expected values are worked
/// out by hand with the formulas of `yolo_onnx_preprocessing_utils.py` (letterbox, unpad_bbox,
/// non_max_suppression with conf 0.1 and IoU 0.5) quoted in the comments.
@Suite struct AutoMLDetectionTests {
    static let labels = ["apple", "banana", "carton"]

    /// Rows (cx, cy, w, h, objectness, apple, banana, carton) in letterboxed input pixels, meant
    /// for a 1280×960 image: r = min(640/960, 640/1280) = 0.5, new 640×480, dh = 80, so
    /// top = round(79.9) = 80 and left = 0; boxes come back as (x − 0, y − 80) / (640, 480).
    static let rows: [[Float]] = [
        [320, 320, 200, 100, 0.9, 0.8, 0.1, 0.05],   // 0 apple 0.9·0.8 = 0.72
        [330, 320, 200, 100, 0.8, 0.7, 0.1, 0.1],    // 1 apple 0.56, IoU 19000/21000 = 0.905 with row 0: suppressed
        [320, 320, 200, 100, 0.9, 0.1, 0.6, 0.1],    // 2 banana 0.54, row 0's box: another class, kept
        [100, 400, 50, 50, 0.5, 0.15, 0.1, 0.1],     // 3 best 0.075 ≤ 0.1: dropped
        [600, 100, 100, 80, 0.95, 0, 0, 0.9],        // 4 carton 0.855, into the top padding and past the right edge
        [200, 500, 40, 40, 0.05, 1, 0, 0],           // 5 objectness 0.05 ≤ 0.1: dropped
    ]

    /// The expected detections for `rows` and a 1280×960 image, best first.
    static let expected: [(name: String, index: Int, probability: Double, box: BoundingBox)] = [
        // x 550...650 -> clipped to 640; y 60...140 -> −20...60 -> 0...60.
        ("carton", 2, Double(Float(0.95) * Float(0.9)), BoundingBox(left: 550.0 / 640, top: 0, width: 90.0 / 640, height: 60.0 / 480)),
        // x 220...420; y 270...370 -> 190...290.
        ("apple", 0, Double(Float(0.9) * Float(0.8)), BoundingBox(left: 220.0 / 640, top: 190.0 / 480, width: 200.0 / 640, height: 100.0 / 480)),
        ("banana", 1, Double(Float(0.9) * Float(0.6)), BoundingBox(left: 220.0 / 640, top: 190.0 / 480, width: 200.0 / 640, height: 100.0 / 480)),
    ]

    // MARK: Letterbox preprocessing

    @Test func letterbox_largeImage_halvesAndPadsTopAndBottom() {
        let box = Letterbox(sourceWidth: 1280, sourceHeight: 960, targetWidth: 640, targetHeight: 640)
        #expect(box.scale == 0.5 && box.resizedWidth == 640 && box.resizedHeight == 480)
        #expect(box.left == 0 && box.right == 0 && box.top == 80 && box.bottom == 80)

        // Left half one flat colour, right half another: after the 2× reduction the seam falls
        // between input columns 319 and 320, and every image pixel is exactly value/255.
        let image = Self.halves(width: 1280, height: 960, left: (200, 100, 50), right: (10, 20, 30))
        let tensor = Preprocessor(contract: .autoMLObjectDetectionYolo()).run(image)
        #expect(tensor.count == 3 * 640 * 640)
        func at(_ c: Int, _ y: Int, _ x: Int) -> Float { tensor[c * 640 * 640 + y * 640 + x] }
        let pad = Float(114) / 255   // numpy: uint8 -> float32, / 255.0
        for (y, x) in [(0, 0), (79, 320), (560, 5), (639, 639)] {
            for c in 0..<3 { #expect(at(c, y, x) == pad, "pad at (\(y), \(x))") }
        }
        let leftColour: [Float] = [200, 100, 50], rightColour: [Float] = [10, 20, 30]
        for (y, x) in [(80, 0), (559, 319), (300, 100)] {
            for c in 0..<3 { #expect(at(c, y, x) == leftColour[c] / 255, "left half at (\(y), \(x))") }
        }
        for (y, x) in [(80, 320), (559, 639), (300, 500)] {
            for c in 0..<3 { #expect(at(c, y, x) == rightColour[c] / 255, "right half at (\(y), \(x))") }
        }
    }

    /// AutoML's `preprocess` letterboxes with `scaleup=False`: a 320×240 image is not doubled but
    /// centred at its own size, with dw = 160 and dh = 200 on each side.
    @Test func letterbox_smallImage_isCentredNotEnlarged() {
        let box = Letterbox(sourceWidth: 320, sourceHeight: 240, targetWidth: 640, targetHeight: 640)
        #expect(box.scale == 1 && box.keepsSize && box.left == 160 && box.top == 200 && box.right == 160 && box.bottom == 200)
        let enlarged = Letterbox(sourceWidth: 320, sourceHeight: 240, targetWidth: 640, targetHeight: 640, scaleUp: true)
        #expect(enlarged.scale == 2 && enlarged.resizedHeight == 480 && enlarged.top == 80 && enlarged.bottom == 80)

        let pixels = Self.noise(width: 320, height: 240)
        let tensor = Preprocessor(contract: .autoMLObjectDetectionYolo()).run(Self.decoded(pixels))
        func at(_ c: Int, _ y: Int, _ x: Int) -> Float { tensor[c * 640 * 640 + y * 640 + x] }
        for (x, y) in [(0, 0), (319, 239), (17, 101), (300, 3)] {
            for c in 0..<3 {
                #expect(at(c, 200 + y, 160 + x) == Float(pixels.pixels[pixels.offset(x: x, y: y) + c]) / 255)
            }
        }
        for (y, x) in [(199, 160), (200, 159), (440, 479), (439, 480)] {
            #expect(at(0, y, x) == Float(114) / 255, "pad at (\(y), \(x))")
        }
    }

    /// An odd padding splits as round(dh − 0.1) above and round(dh + 0.1) below.
    @Test func letterbox_oddPadding_putsTheExtraRowBelow() {
        // r = min(640/999, 640/1000) = 0.64; new_h = round(639.36) = 639; dh = 0.5.
        let box = Letterbox(sourceWidth: 1000, sourceHeight: 999, targetWidth: 640, targetHeight: 640)
        #expect(box.resizedWidth == 640 && box.resizedHeight == 639 && box.top == 0 && box.bottom == 1)
    }

    /// OpenCV's fixed-point INTER_LINEAR: taps at (d + 0.5)·scale − 0.5, clamped at the edges,
    /// weights in 1/2048, and the final `+ 2 >> 2` rounds a half up (Pillow's filter would not).
    @Test func openCVLinearResize_matchesHandComputedSamples() {
        func row(_ values: [UInt8]) -> RGBImage {
            RGBImage(width: values.count, height: 1, pixels: values.flatMap { [$0, $0, $0] })
        }
        // 3 -> 2: f = 0.25 and 1.75 -> 0.75·0 + 0.25·100 = 25, 0.25·100 + 0.75·200 = 175.
        #expect(OpenCVLinearResize.resize(row([0, 100, 200]), width: 2, height: 1).pixels == [25, 25, 25, 175, 175, 175])
        // 2 -> 3: the first tap is clamped to pixel 0, the middle one averages to 127.5 -> 128.
        #expect(OpenCVLinearResize.resize(row([0, 255]), width: 3, height: 1).pixels == [0, 0, 0, 128, 128, 128, 255, 255, 255])
        // Vertically the same rules apply.
        let column = RGBImage(width: 1, height: 3, pixels: [0, 0, 0, 100, 100, 100, 200, 200, 200])
        #expect(OpenCVLinearResize.resize(column, width: 1, height: 2).pixels == [25, 25, 25, 175, 175, 175])
    }

    // MARK: Decoding

    @Test func decoder_thresholdsSuppressesAndMapsBoxesBack() {
        let predictions = Self.decode(Self.rows, settings: AutoMLYoloSettings(), imageSize: (1280, 960))
        Self.expectDetections(predictions, Self.expected)
    }

    @Test func decoder_settings_changeWhatIsKept() {
        var settings = AutoMLYoloSettings()
        settings.confidenceThreshold = 0.6
        #expect(Self.decode(Self.rows, settings: settings, imageSize: (1280, 960)).map(\.tagName) == ["carton", "apple"])
        settings = AutoMLYoloSettings()
        settings.iouThreshold = 0.95   // row 1's IoU with row 0 is 0.905: kept now
        #expect(Self.decode(Self.rows, settings: settings, imageSize: (1280, 960)).map(\.tagName) == ["carton", "apple", "apple", "banana"])
        settings = AutoMLYoloSettings()
        settings.maxDetections = 2
        #expect(Self.decode(Self.rows, settings: settings, imageSize: (1280, 960)).map(\.tagName) == ["carton", "apple"])
    }

    /// Without an image (a ready-made input tensor) the boxes are normalised to the input.
    @Test func decoder_withoutImageSize_normalisesToTheInput() throws {
        let predictions = Self.decode(Self.rows, settings: AutoMLYoloSettings(), imageSize: nil)
        let apple = try #require(predictions.first { $0.tagName == "apple" }?.boundingBox)
        #expect(apple == BoundingBox(left: 220.0 / 640, top: 270.0 / 640, width: 200.0 / 640, height: 100.0 / 640))
    }

    // MARK: Bundles

    @Test func autoMLYoloBundle_isRecognisedAndPredictsThroughTheDocument() throws {
        let folder = try Self.writeBundle(rows: Self.rows, labels: Self.labels)
        defer { try? FileManager.default.removeItem(at: folder) }
        let bundle = try ModelBundle.load(folder)
        #expect(bundle.kind == .autoML)
        #expect(bundle.task == .autoMLYolo(AutoMLYoloSettings()))
        #expect(bundle.task.isDetection && bundle.task.description == "object detection")
        #expect(bundle.contract == .autoMLObjectDetectionYolo(width: 640, height: 640))

        let predictor = try Predictor(bundle: bundle, threads: 1)
        let image = Self.halves(width: 1280, height: 960, left: (200, 100, 50), right: (10, 20, 30))
        let predictions = try predictor.predict(image)
        Self.expectDetections(predictions, Self.expected)

        // An EXIF-rotated upright 1280×960 photo stored as 960×1280 maps its boxes the same way.
        var rotated = Self.halves(width: 960, height: 1280, left: (0, 0, 0), right: (0, 0, 0))
        rotated.exifOrientation = 6
        #expect(Preprocessor.standardOrientedSize(rotated) == (1280, 960))
        Self.expectDetections(try predictor.predict(rotated), Self.expected)

        // The detections go through the Custom Vision document unchanged (float32 0.95·0.9 is
        // 0.8549999594688416, which round(p, 8) makes 0.85499996).
        let json = PredictionDocument(created: nil, predictions: predictions).jsonString()
        #expect(json.contains(#"{"boundingBox":{"height":0.125,"left":0.859375,"top":0.0,"width":0.140625},"probability":0.85499996,"tagId":2,"tagName":"carton"}"#), "\(json)")
    }

    @Test func autoMLYoloBundle_metadataThreshold_isUsed() throws {
        let folder = try Self.writeBundle(rows: Self.rows, labels: Self.labels, metadata: ["box_score_threshold": "0.6"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let bundle = try ModelBundle.load(folder)
        var settings = AutoMLYoloSettings()
        settings.confidenceThreshold = 0.6
        #expect(bundle.task == .autoMLYolo(settings))
        let predictions = try Predictor(bundle: bundle, threads: 1).predict(Self.halves(width: 1280, height: 960, left: (0, 0, 0), right: (0, 0, 0)))
        #expect(predictions.map(\.tagName) == ["carton", "apple"])
    }

    @Test func autoMLBundle_rowsNotFivePlusLabels_failsNamingOutputAndShapes() throws {
        let rows = [[Float]](repeating: [1, 1, 1, 1, 0, 0, 0, 0, 0], count: 6)   // 5 + 4 classes, 3 labels
        let folder = try Self.writeBundle(rows: rows, labels: Self.labels)
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = try #require(throws: VisionError.self) { try ModelBundle.load(folder) }
        #expect(error.description.contains("output 'output' [1, 6, 9]"), "\(error)")
        #expect(error.description.contains("5 + 3 = 8"), "\(error)")
    }

    // MARK: Fixtures

    static func decode(_ rows: [[Float]], settings: AutoMLYoloSettings, imageSize: (width: Int, height: Int)?) -> [Prediction] {
        let decoder = AutoMLYoloDecoder(settings: settings, labels: labels, inputWidth: 640, inputHeight: 640)
        return rows.flatMap { $0 }.withUnsafeBufferPointer { decoder.decode($0, rows: rows.count, imageSize: imageSize) }
    }

    static func expectDetections(_ predictions: [Prediction], _ expected: [(name: String, index: Int, probability: Double, box: BoundingBox)],
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(predictions.map(\.tagName) == expected.map(\.name), sourceLocation: sourceLocation)
        for (ours, theirs) in zip(predictions, expected) {
            #expect(ours.tagId == .index(theirs.index), sourceLocation: sourceLocation)
            #expect(abs(ours.probability - theirs.probability) <= 1e-8, "\(ours.tagName) probability", sourceLocation: sourceLocation)
            guard let box = ours.boundingBox else { Issue.record("\(ours.tagName) has no box", sourceLocation: sourceLocation); continue }
            for (value, reference, key) in [(box.left, theirs.box.left, "left"), (box.top, theirs.box.top, "top"),
                                            (box.width, theirs.box.width, "width"), (box.height, theirs.box.height, "height")] {
                #expect(abs(value - reference) <= 1e-8, "\(ours.tagName) \(key): \(value) vs \(reference)", sourceLocation: sourceLocation)
            }
        }
    }

    /// An AutoML bundle folder: model.onnx whose output `output` [1, N, K] is `rows` whatever the
    /// image (Gemm with zero weights and the rows as bias, reshaped), and labels.json.
    static func writeBundle(rows: [[Float]], labels: [String], metadata: [String: String] = [:]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-automl-yolo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let n = rows.count, k = rows[0].count
        var graph = Graph(name: "automl-yolo", inputs: [Graph.Input(name: "input", dtype: .float32, shape: [1, 3, 640, 640])],
                          outputs: ["output"])
        graph.nodes = [
            Node(name: "pool", opType: "GlobalAveragePool", opset: 13, inputs: ["input"], outputs: ["pooled"]),
            Node(name: "flat", opType: "Flatten", opset: 13, inputs: ["pooled"], outputs: ["features"]),
            Node(name: "rows", opType: "Gemm", opset: 13, inputs: ["features", "zero", "crafted"], outputs: ["flatRows"]),
            Node(name: "shape", opType: "Reshape", opset: 13, inputs: ["flatRows", "rowShape"], outputs: ["output"]),
        ]
        graph.initializers["zero"] = Tensor(shape: [3, n * k], floats: [Float](repeating: 0, count: 3 * n * k))
        graph.initializers["crafted"] = Tensor(shape: [n * k], floats: rows.flatMap { $0 })
        graph.initializers["rowShape"] = Tensor(shape: [3], ints: [1, Int64(n), Int64(k)])
        try ONNXWriter.serialize(graph, outputs: [.init(name: "output", shape: [1, n, k])], metadata: metadata)
            .write(to: folder.appendingPathComponent("model.onnx"))
        let labelsJSON = try JSONSerialization.data(withJSONObject: labels)
        try labelsJSON.write(to: folder.appendingPathComponent("labels.json"))
        return folder
    }

    static func halves(width: Int, height: Int, left: (UInt8, UInt8, UInt8), right: (UInt8, UInt8, UInt8)) -> DecodedImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let colour = x < width / 2 ? left : right
                let i = (y * width + x) * 3
                pixels[i] = colour.0; pixels[i + 1] = colour.1; pixels[i + 2] = colour.2
            }
        }
        return decoded(RGBImage(width: width, height: height, pixels: pixels))
    }

    static func noise(width: Int, height: Int) -> RGBImage {
        var state: UInt32 = 12345
        let pixels = (0..<(width * height * 3)).map { _ -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(state >> 24)
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    static func decoded(_ image: RGBImage) -> DecodedImage {
        DecodedImage(image: image, format: .png, sourceMode: .rgb)
    }
}
