import VigilEngine

/// How a bundle is recognised as Azure ML AutoML for images object detection, and which of its
/// flavours Vigil runs.
///
/// The Azure ML article "Make predictions with ONNX on computer vision models from AutoML"
/// describes two detection exports next to `labels.json`:
/// * YOLO (yolov5): input [1, 3, 640, 640]; the first output holds [1, N, 5 + classes] rows that
///   the sample code filters and suppresses itself (`non_max_suppression`). Vigil runs this one.
/// * Faster R-CNN, RetinaNet and Mask R-CNN: outputs `boxes`, `labels`, `scores` (and `masks`),
///   one set per batch item (`boxes_0`, ...), each with a data-dependent number of rows. A
///   statically planned session cannot hold those, so such bundles fail at load, naming them.
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

    /// Fails for the AutoML detection flavours whose outputs have a data-dependent size (Faster
    /// R-CNN, RetinaNet, Mask R-CNN), before the engine trips over their in-graph NMS.
    static func rejectDynamicAutoMLDetection(graph: Graph, kind: ModelBundle.Kind, file: String) throws {
        guard kind == .autoML else { return }
        let stems = graph.outputs.map { (name: $0, stem: outputStem($0)) }
        guard let boxes = stems.first(where: { $0.stem == "boxes" }), stems.contains(where: { $0.stem == "scores" }) else { return }
        let flavour = stems.contains { $0.stem == "masks" } ? "Mask R-CNN instance segmentation" : "Faster R-CNN / RetinaNet object detection"
        let names = graph.outputs.map { "'\($0)'" }.joined(separator: ", ")
        throw VisionError(.model, file, "output '\(boxes.name)' (outputs \(names)) marks an Azure ML AutoML \(flavour) export, whose outputs hold a data-dependent number of boxes; that flavour is not supported. Vigil runs AutoML object detection in its YOLOv5 flavour (one output [1, N, 5 + classes])")
    }

    /// `boxes_0` -> `boxes`: the per-batch-item suffix of AutoML's batch exports removed.
    private static func outputStem(_ name: String) -> String {
        guard let underscore = name.lastIndex(of: "_") else { return name }
        let suffix = name[name.index(after: underscore)...]
        return !suffix.isEmpty && suffix.allSatisfy(\.isASCIIDigit) ? String(name[..<underscore]) : name
    }
}

extension ContractDetection {
    /// The input of an AutoML YOLO export: the graph's static size (640, the docs' default
    /// `img_size`, where a dimension is symbolic), NCHW RGB, letterboxed, /255.
    static func autoMLYolo(input: IOResolution.Value, file: String) throws -> InputContract {
        let dims = input.shape
        guard dims.count == 4, dims[1] == 3 || dims[1] == nil else {
            throw VisionError(.model, file, "input '\(input.name)' \(dims.map { $0.map(String.init) ?? "?" }) is not the NCHW [1, 3, H, W] image an AutoML YOLO export takes")
        }
        let contract = InputContract.autoMLObjectDetectionYolo(width: dims[3] ?? 640, height: dims[2] ?? 640)
        do { try contract.validate() } catch {
            throw VisionError(.model, file, "input contract: \(error)")
        }
        return contract
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
