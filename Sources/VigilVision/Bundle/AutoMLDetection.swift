import VigilEngine

/// How a bundle is recognised as Azure ML AutoML for images object detection, and which of its
/// flavours Vigil runs.
///
/// The Azure ML article "Make predictions with ONNX on computer vision models from AutoML"
/// describes two detection exports next to `labels.json`:
/// * YOLO (yolov5): input [1, 3, 640, 640]; the first output holds [1, N, 5 + classes] rows that
///   the sample code filters and suppresses itself (`non_max_suppression`). Vigil runs this one.
/// * Faster R-CNN, RetinaNet and Mask R-CNN: outputs `boxes`, `labels`, `scores` (and `masks`),
///   one set per batch item (`boxes_0`, ...), each with a data-dependent number of rows: the
///   engine runs their in-graph NMS in its dynamic tail (`PreparedModel.isDynamic`).
extension TaskDetection {
    /// The task of an AutoML bundle whose output is rank 3: YOLO rows of 5 + one score per label.
    static func autoMLYolo(outputShape: [Int], output: String, labelCount: Int?, metadata: [String: String],
                           file: String) throws -> ModelTask {
        guard outputShape[0] == 1, outputShape[1] > 0, outputShape[2] > 5 else {
            throw VisionError(.model, file, "output '\(output)' \(outputShape) is not an AutoML YOLO output [1, N, 5 + classes]")
        }
        if let labelCount, outputShape[2] != 5 + labelCount {
            throw VisionError(.model, file, "output '\(output)' \(outputShape) has \(outputShape[2]) values per box, but an AutoML YOLO output for the \(labelCount) labels of labels.json has 5 + \(labelCount) = \(5 + labelCount): [1, N, \(5 + labelCount)]")
        }
        return .autoMLYolo(try AutoMLYoloSettings(metadata: metadata, file: file))
    }

    /// The task of an AutoML Faster R-CNN, RetinaNet or Mask R-CNN export, recognised by its
    /// outputs `boxes`, `labels` and `scores` (`boxes_0`, ... in batch exports: the first image's
    /// are read), or nil for other bundles.
    static func autoMLRCNN(graph: Graph, kind: ModelBundle.Kind, file: String) throws -> ModelTask? {
        guard kind == .autoML else { return nil }
        /// The index of the output `stem`, `stem_0`, or another batch item's `stem_N`.
        func output(_ stem: String) -> Int? {
            graph.outputs.firstIndex(of: stem) ?? graph.outputs.firstIndex(of: "\(stem)_0")
                ?? graph.outputs.firstIndex { outputStem($0) == stem }
        }
        guard let boxes = output("boxes"), let scores = output("scores") else { return nil }
        guard let labels = output("labels") else {
            let names = graph.outputs.map { "'\($0)'" }.joined(separator: ", ")
            throw VisionError(.model, file, "outputs \(names) have boxes and scores but no 'labels' output, which an AutoML R-CNN export has")
        }
        // Faster and Mask R-CNN list boxes, labels, scores; RetinaNet boxes, scores, labels.
        let flavour: AutoMLRCNNOutputs.Flavour = output("masks") != nil ? .maskRCNN : scores < labels ? .retinaNet : .fasterRCNN
        return .autoMLRCNN(AutoMLRCNNOutputs(flavour: flavour, boxes: graph.outputs[boxes], labels: graph.outputs[labels],
                                             scores: graph.outputs[scores]))
    }

    /// `boxes_0` -> `boxes`: the per-batch-item suffix of AutoML's batch exports removed.
    private static func outputStem(_ name: String) -> String {
        guard let underscore = name.lastIndex(of: "_") else { return name }
        let suffix = name[name.index(after: underscore)...]
        return !suffix.isEmpty && suffix.allSatisfy(\.isASCIIDigit) ? String(name[..<underscore]) : name
    }
}

extension ContractDetection {
    /// The input of an AutoML Faster R-CNN / RetinaNet / Mask R-CNN export (the article's
    /// `preprocess`): the whole image resized to the graph's input size with Pillow's default
    /// filter (bicubic), RGB NCHW, /255, ImageNet mean and std. Where the size is symbolic (Mask
    /// R-CNN exports take any size) the article's 600×800 is used.
    static func autoMLRCNN(input: IOResolution.Value, file: String) throws -> InputContract {
        try autoMLImage(input, file: file, flavour: "R-CNN", width: 800, height: 600, InputContract.autoMLObjectDetectionRCNN)
    }

    /// The input of an AutoML YOLO export: the graph's static size (640, the docs' default
    /// `img_size`, where a dimension is symbolic), NCHW RGB, letterboxed, /255.
    static func autoMLYolo(input: IOResolution.Value, file: String) throws -> InputContract {
        try autoMLImage(input, file: file, flavour: "YOLO", width: 640, height: 640, InputContract.autoMLObjectDetectionYolo)
    }

    /// An NCHW [1, 3, H, W] input's contract at its static size, or `width` × `height` where a
    /// dimension is symbolic, validated.
    private static func autoMLImage(_ input: IOResolution.Value, file: String, flavour: String, width: Int, height: Int,
                                    _ contract: (_ width: Int, _ height: Int) -> InputContract) throws -> InputContract {
        let dims = input.shape
        guard dims.count == 4, dims[1] == 3 || dims[1] == nil else {
            throw VisionError(.model, file, "input '\(input.name)' \(dims.map { $0.map(String.init) ?? "?" }) is not the NCHW [1, 3, H, W] image an AutoML \(flavour) export takes")
        }
        let result = contract(dims[3] ?? width, dims[2] ?? height)
        do { try result.validate() } catch {
            throw VisionError(.model, file, "input contract: \(error)")
        }
        return result
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
